namespace Tutorials.Costs;

/// <summary>A problem with the inputs (a missing summary, a failed run, a notebook without a cost block), said in words the user can act on.</summary>
public sealed class CostException(string message) : Exception(message);
