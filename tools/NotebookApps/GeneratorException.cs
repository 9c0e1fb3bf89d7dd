namespace Tutorials.NotebookApps;

/// <summary>A notebook the generator cannot turn into an app as it stands; the message says what to change.</summary>
public sealed class GeneratorException(string message) : Exception(message);
