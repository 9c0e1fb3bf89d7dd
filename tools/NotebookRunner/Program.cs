// The kit's notebook runner: executes notebooks headlessly, each in a fresh process and a fresh in-process
// .NET Interactive C# kernel, and writes executed notebooks, offline HTML and summary.json.
//
//   dotnet run --project tools/NotebookRunner -c Release -- [notebook.ipynb ...] [--out DIR]
//   dotnet run --project tools/NotebookRunner -c Release -- --preflight     (an instructor's check, the day before)
//
// TUTORIALS_MODE=learner|study (default learner) is passed through to the notebooks unchanged.
using Tutorials.Runner;

return await Cli.MainAsync(args);
