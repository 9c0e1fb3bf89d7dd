// Writes each notebook's measured cost into its header, from the runner's summary.json files:
//
//   dotnet run --project tools/NotebookCosts -- --learner artifacts/learner/summary.json --study artifacts/study/summary.json
//
// Only the "Cost on 2 CPU cores" line between <!-- cost --> and <!-- /cost --> in each notebook's first
// markdown cell is rewritten; the rest of the notebook file is left byte for byte as it was.
using Tutorials.Costs;

return Cli.Run(args);
