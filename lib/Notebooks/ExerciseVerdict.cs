// Scaffolding for notebooks 00–04: the verdict every exercise check prints, kept out of the kit's concept folders.
namespace Tutorials.Notebooks;

/// <summary>Where a learner's exercise stands.</summary>
public enum ExerciseStatus
{
    /// <summary>The stub is still there (it threw <see cref="NotImplementedException"/> or returned null).</summary>
    NotDone,
    /// <summary>The code ran and gave a wrong answer; the message says what is wrong.</summary>
    Wrong,
    /// <summary>The code agrees with the reference.</summary>
    Right,
}

/// <summary>
/// The outcome of one <c>Exercises.Check…</c> call. The check prints it; tests read <see cref="Status"/> and
/// <see cref="Message"/>.
/// </summary>
public sealed record ExerciseVerdict(string Exercise, ExerciseStatus Status, string Message)
{
    public bool IsRight => Status == ExerciseStatus.Right;

    public override string ToString() => Status switch
    {
        ExerciseStatus.Right => $"✅ {Exercise}: right. {Message}",
        ExerciseStatus.Wrong => $"❌ {Exercise}: not right yet. {Message}",
        _ => $"⏳ {Exercise}: not done yet. {Message}",
    };
}
