namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// What a family tells the display while it runs one stream of cases. Calls for one stream never overlap (one worker
/// holds a stream at a time), but streams run on several threads at once.
/// </summary>
public interface IProgressReporter
{
    void CaseStarted(CaseSpec spec);

    /// <summary><paramref name="operations"/> more operations were checked (call it every few hundred).</summary>
    void Advance(long operations);

    void CaseFinished(CaseRecord record);
}

/// <summary>The campaign-level display: every stream (family × configuration) is begun up front and ended as it finishes,
/// from whichever worker thread finished it.</summary>
public interface ICampaignProgress
{
    /// <param name="fairShare">The time this stream can expect (<see cref="FamilyContext.FairShare"/>).</param>
    IProgressReporter BeginStream(IVerificationFamily family, FamilyConfiguration configuration, TimeSpan fairShare);

    void EndStream(FamilyResult result);
}

/// <summary>A reporter that discards everything (replay, mutants, tests).</summary>
public sealed class SilentProgress : IProgressReporter, ICampaignProgress
{
    public static SilentProgress Instance { get; } = new();

    public void CaseStarted(CaseSpec spec) { }
    public void Advance(long operations) { }
    public void CaseFinished(CaseRecord record) { }
    public IProgressReporter BeginStream(IVerificationFamily family, FamilyConfiguration configuration, TimeSpan fairShare) => this;
    public void EndStream(FamilyResult result) { }
}
