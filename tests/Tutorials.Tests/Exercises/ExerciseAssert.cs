using Tutorials.Notebooks;
namespace Tutorials.Tests.ExerciseChecks;

/// <summary>Assertions on a check's verdict that show the verdict when they fail.</summary>
static class ExerciseAssert
{
    public static void Right(ExerciseVerdict v) =>
        Assert.True(v.Status == ExerciseStatus.Right, $"Expected the solution to pass, got: {v}");

    public static void NotDone(ExerciseVerdict v) =>
        Assert.True(v.Status == ExerciseStatus.NotDone, $"Expected 'not done yet' for the untouched stub, got: {v}");

    /// <summary>The verdict is "wrong" and its message says each of <paramref name="phrases"/>.</summary>
    public static void Wrong(ExerciseVerdict v, params string[] phrases)
    {
        Assert.True(v.Status == ExerciseStatus.Wrong, $"Expected a 'not right yet' verdict, got: {v}");
        foreach (var phrase in phrases)
            Assert.True(v.Message.Contains(phrase, StringComparison.Ordinal), $"The message should say \"{phrase}\"; it is: {v.Message}");
    }
}
