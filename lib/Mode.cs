namespace Tutorials;

/// <summary>How much work a notebook does: a quick <c>smoke</c> check or the <c>full</c> tutorial run.</summary>
public enum RunMode { Full, Smoke }

/// <summary>
/// Reads the run mode from the environment variable <c>TUTORIALS_MODE</c> (<c>smoke</c> or <c>full</c>, default
/// <c>full</c>). Notebooks size their data and epochs with <see cref="Pick{T}"/> so one notebook serves both
/// a learner's real run and the test suite's minutes-long smoke run.
/// </summary>
public static class Mode
{
    public const string Variable = "TUTORIALS_MODE";

    public static RunMode Current => Parse(System.Environment.GetEnvironmentVariable(Variable));

    public static bool IsSmoke => Current == RunMode.Smoke;

    /// <summary><paramref name="smoke"/> in smoke mode, otherwise <paramref name="full"/>.</summary>
    public static T Pick<T>(T smoke, T full) => IsSmoke ? smoke : full;

    public static RunMode Parse(string? value) => (value ?? "").Trim().ToLowerInvariant() switch
    {
        "" or "full" => RunMode.Full,
        "smoke" => RunMode.Smoke,
        var other => throw new ArgumentException(
            $"{Variable} is '{other}', expected 'smoke' or 'full' (or unset, meaning 'full'). " +
            $"Set it with: export {Variable}=smoke")
    };
}
