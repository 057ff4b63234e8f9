namespace PymallocVerify.Cli.Campaign;

/// <summary>What a family tells the display while it runs one stream of cases. Calls come from one thread.</summary>
public interface IProgressReporter
{
    void CaseStarted(CaseSpec spec);

    /// <summary><paramref name="operations"/> more operations were checked (call it every few hundred).</summary>
    void Advance(long operations);

    void CaseFinished(CaseRecord record);
}

/// <summary>The campaign-level display: one stream (family × configuration) at a time.</summary>
public interface ICampaignProgress
{
    IProgressReporter BeginStream(IVerificationFamily family, FamilyConfiguration configuration, TimeSpan timeSlice);

    void EndStream(FamilyResult result);
}

/// <summary>A reporter that discards everything (replay, mutants, tests).</summary>
public sealed class SilentProgress : IProgressReporter, ICampaignProgress
{
    public static SilentProgress Instance { get; } = new();

    public void CaseStarted(CaseSpec spec) { }
    public void Advance(long operations) { }
    public void CaseFinished(CaseRecord record) { }
    public IProgressReporter BeginStream(IVerificationFamily family, FamilyConfiguration configuration, TimeSpan timeSlice) => this;
    public void EndStream(FamilyResult result) { }
}
