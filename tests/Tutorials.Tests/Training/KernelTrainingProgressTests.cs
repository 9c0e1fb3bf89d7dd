using Tutorials.Training;
using FrontEnd = Tutorials.Training.KernelTrainingProgress.FrontEnd;

namespace Tutorials.Tests.Training;

/// <summary>
/// Which front end runs the kernel decides how the progress display is written (see KernelTrainingProgress).
/// The command lines are the ones these front ends start their kernel with; the dotnet-repl case is also checked
/// end to end by DotnetReplTests.
/// </summary>
public class KernelTrainingProgressTests
{
    [Theory]
    [InlineData(FrontEnd.AppendsUpdates, "/opt/learner/.nuget/packages/dotnet-repl/0.3.259/tools/net10.0/any/dotnet-repl.dll", "--run", "00.ipynb")]
    [InlineData(FrontEnd.KeepsFirstFrame, "/opt/learner/.nuget/packages/microsoft.dotnet-interactive/1.0.712001/tools/net10.0/any/Microsoft.DotNet.Interactive.App.dll", "jupyter", "--default-kernel", "csharp", "/run/kernel-1.json")]
    [InlineData(FrontEnd.UpdatesInPlace, "/opt/learner/.vscode/dotnet-interactive/Microsoft.DotNet.Interactive.App.dll", "stdio")]
    [InlineData(FrontEnd.UpdatesInPlace, "/repo/tools/NotebookRunner/bin/Release/net10.0/NotebookRunner.dll", "--child", "01-feature-concatenation.ipynb")]
    public void FrontEndIsRecognisedFromTheKernelCommandLine(FrontEnd expected, params string[] commandLine) =>
        Assert.Equal(expected, KernelTrainingProgress.DetectFrontEnd(commandLine));
}
