namespace Tutorials.Runner;

/// <summary>
/// The most resident memory one notebook's kernel may use: what an attendee's laptop must have free for it.
/// <c>TUTORIALS_MEMORY_BUDGET_MB</c> overrides the default: 2048 MB in full mode (the kit's promise: every
/// notebook fits in 2 GB), 1536 MB in smoke mode (smoke runs the same models on less data; a smoke run near
/// 2 GB means the full run will not fit).
/// </summary>
static class MemoryBudget
{
    public const string Variable = "TUTORIALS_MEMORY_BUDGET_MB";
    public const int FullDefaultMB = 2048;
    public const int SmokeDefaultMB = 1536;

    public static int Resolve(string mode)
    {
        var text = System.Environment.GetEnvironmentVariable(Variable)?.Trim();
        if (string.IsNullOrEmpty(text)) return mode == "smoke" ? SmokeDefaultMB : FullDefaultMB;
        if (int.TryParse(text, out int mb) && mb > 0) return mb;
        throw new UsageException($"{Variable} is '{text}', expected a whole number of megabytes such as 2048 (unset means {FullDefaultMB} in full mode, {SmokeDefaultMB} in smoke mode)");
    }
}
