namespace PymallocVerify.Cli.Campaign;

/// <summary>What one family did under one configuration.</summary>
public sealed record FamilyResult(
    string Family,
    FamilyConfiguration Configuration,
    IReadOnlyList<CaseRecord> Cases,
    long Operations,
    Coverage Coverage,
    IReadOnlyList<StreamFailure> Failures,
    StopReason StoppedBy,
    TimeSpan Elapsed)
{
    /// <summary>What <see cref="Operations"/> counts (see <see cref="IVerificationFamily.OperationUnit"/>).</summary>
    public string OperationUnit { get; init; } = "ops";

    public bool Failed => Failures.Count > 0;

    public static FamilyResult Skipped(IVerificationFamily family, FamilyConfiguration configuration) =>
        new(family.Name, configuration, [], 0, family.NewCoverage(configuration), [], StopReason.Skipped, TimeSpan.Zero)
        {
            OperationUnit = family.OperationUnit,
        };
}
