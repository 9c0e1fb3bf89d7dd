await Tutorials.Runner.ChildRun.RunAsync(args[0], args[1]);
