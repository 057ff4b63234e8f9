namespace PymallocVerify.Cli.Campaign;

/// <summary>What one family did under one configuration.</summary>
public sealed record FamilyResult(
    string Family,
    FamilyConfiguration Configuration,
    IReadOnlyList<CaseRecord> Cases,
    long Operations,
    Coverage Coverage,
    IReadOnlyList<FailureRecord> Failures,
    StopReason StoppedBy,
    TimeSpan Elapsed)
{
    public bool Failed => Failures.Count > 0;

    public static FamilyResult Skipped(string family, FamilyConfiguration configuration, Coverage coverage) =>
        new(family, configuration, [], 0, coverage, [], StopReason.Skipped, TimeSpan.Zero);
}
