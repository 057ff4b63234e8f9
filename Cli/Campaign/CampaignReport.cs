namespace PymallocVerify.Cli.Campaign;

/// <summary>The outcome of a <c>check</c> run: one result per family × configuration, in run order.</summary>
public sealed record CampaignReport(CampaignSettings Settings, IReadOnlyList<FamilyResult> Results, TimeSpan Elapsed)
{
    public IEnumerable<(FamilyResult Stream, StreamFailure Failure)> Failures =>
        Results.SelectMany(r => r.Failures.Select(f => (r, f)));

    /// <summary>No stream failed (an interrupted run may still hold so far: see <see cref="Interrupted"/>).</summary>
    public bool Holds => !Results.Any(r => r.Failed);

    /// <summary>A signal stopped the run: some requested cases never ran.</summary>
    public bool Interrupted => Results.Any(r => r.StoppedBy == StopReason.Cancelled);

    public long CasesRun => Results.Sum(r => r.Cases.Count);

    public long Operations => Results.Sum(r => r.Operations);
}
