namespace Tutorials.Runner;

/// <summary>
/// The most resident memory one notebook's kernel may use: what an attendee's laptop must have free for it.
/// <c>TUTORIALS_MEMORY_BUDGET_MB</c> overrides the default: 1536 MB for a learner run (the same models on less
/// data; a learner run near 2 GB means the study run will not fit), 2048 MB for a study run (the kit's promise:
/// every notebook fits in 2 GB).
/// </summary>
static class MemoryBudget
{
    public const string Variable = "TUTORIALS_MEMORY_BUDGET_MB";
    public const int LearnerDefaultMB = 1536;
    public const int StudyDefaultMB = 2048;

    public static int Resolve(string size)
    {
        var text = System.Environment.GetEnvironmentVariable(Variable)?.Trim();
        if (string.IsNullOrEmpty(text)) return size == RunSize.Study ? StudyDefaultMB : LearnerDefaultMB;
        if (int.TryParse(text, out int mb) && mb > 0) return mb;
        throw new UsageException($"{Variable} is '{text}', expected a whole number of megabytes such as 2048 (unset means {LearnerDefaultMB} for a learner run, {StudyDefaultMB} for a study run)");
    }
}
