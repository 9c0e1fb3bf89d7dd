namespace Tutorials.Runner;

/// <summary>
/// How much work the notebooks do, read from <c>TUTORIALS_MODE</c> and passed through to every kernel unchanged:
/// <c>learner</c> (the default: each notebook a few minutes on 2 CPU cores, what a learner runs in a session) or
/// <c>study</c> (3 seeds and the ablations, for studying the results at home). The runner only names the size in
/// its output and picks the memory budget; the notebooks size their work themselves (lib's RunSize.Pick).
/// </summary>
static class RunSize
{
    public const string Variable = "TUTORIALS_MODE";
    public const string Learner = "learner";
    public const string Study = "study";

    /// <summary>The size named by <c>TUTORIALS_MODE</c>; unset or empty means <see cref="Learner"/>.</summary>
    public static string FromEnvironment() => Parse(System.Environment.GetEnvironmentVariable(Variable));

    public static string Parse(string? value)
    {
        var size = (value ?? "").Trim().ToLowerInvariant();
        return size switch
        {
            "" or Learner => Learner,
            Study => Study,
            // One name per purpose: the old names are refused rather than kept as aliases, so that scripts and
            // notes that still say smoke/full are found and changed.
            "smoke" => throw Renamed(size, Learner),
            "full" => throw Renamed(size, Study),
            _ => throw new UsageException($"{Variable} is '{size}', expected '{Learner}' (each notebook a few minutes; " +
                                          $"the default when unset) or '{Study}' (3 seeds and ablations)"),
        };
    }

    static UsageException Renamed(string old, string now) =>
        new($"{Variable} is '{old}', a name the kit no longer uses: the run sizes are now '{Learner}' (was smoke; the default " +
            $"when unset) and '{Study}' (was full). Set {Variable}={now}" + (now == Learner ? " or leave it unset." : "."));
}
