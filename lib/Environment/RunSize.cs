namespace Tutorials.Environment;

/// <summary>
/// How much work a notebook does, named by purpose. <b>learner</b> (the default) is the run a learner waits for:
/// each notebook in a few minutes on a 2-core laptop, every taught result shown (the tests assert them in this size).
/// <b>study</b> repeats the headline comparisons over 3 seeds and runs the ablations: the evidence behind the
/// claims. It keeps the learner run's data and training length (a notebook's data and epochs are plain constants), so
/// the learner's figures are the study's first seed; notebooks choose only seeds, ablations and sweeps with
/// <see cref="Pick{T}"/>, so one notebook serves both.
/// <para>
/// Chosen in a notebook's first cell, <c>Tutorials.Kit.Setup(size: "learner")</c>, a line a learner can edit; the
/// environment variable <c>TUTORIALS_MODE</c> wins when set (the runner and CI set the size that way).
/// </para>
/// </summary>
public static class RunSize
{
    public const string Variable = "TUTORIALS_MODE";
    public const string Learner = "learner", Study = "study";

    static string _chosen = Learner;

    /// <summary>The size in force: <see cref="Variable"/> when set, otherwise the one chosen in the first cell.</summary>
    public static string Current => FromEnvironment() ?? _chosen;

    /// <summary>Where <see cref="Current"/> came from, for the setup line.</summary>
    public static string Source => FromEnvironment() is null ? "chosen in the first cell" : $"from {Variable}";

    /// <summary>True in a study run.</summary>
    public static bool IsStudy => Current == Study;

    /// <summary><paramref name="learner"/> in a learner run, <paramref name="study"/> in a study run.</summary>
    public static T Pick<T>(T learner, T study) => IsStudy ? study : learner;

    /// <summary>The size a notebook's first cell asks for (the environment variable still wins).</summary>
    public static void Choose(string size) => _chosen = Parse(size, $"Kit.Setup(size: \"{size}\")");

    /// <summary>
    /// What each size does, for the setup line. No minutes are typed here: the runner's measured figures for each size are
    /// in each notebook's header ("Cost on 2 CPU cores"), where a run that was not measured says so.
    /// </summary>
    public static string CostOf(string size) => size == Study
        ? "3 seeds and the ablations on the learner run's data, a few times its cost (see the header's cost line)"
        : "minutes, as the header's cost line says; change to \"study\" for 3 seeds and the ablations";

    static string? FromEnvironment()
    {
        var value = System.Environment.GetEnvironmentVariable(Variable);
        return string.IsNullOrWhiteSpace(value) ? null : Parse(value, $"{Variable}={value}");
    }

    static string Parse(string value, string where) => value.Trim().ToLowerInvariant() switch
    {
        Learner => Learner,
        Study => Study,
        "smoke" or "full" => throw new ArgumentException(
            $"{where}: '{value.Trim()}' is a name the kit no longer uses. The run sizes are now '{Learner}' (was smoke; the default) " +
            $"and '{Study}' (was full). Use one of those, or leave {Variable} unset."),
        var other => throw new ArgumentException(
            $"{where}: expected '{Learner}' (minutes, the default) or '{Study}' (3 seeds and the ablations), got '{other}'."),
    };
}
