using System.Diagnostics;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// A family whose work is a deterministic list of independent cases (case k's seed derives from the campaign
/// seed and k). The stream runs this shard's cases in order; time is only a stop signal between cases, so a
/// run is fully described by how many cases it ran — and the report lists them.
/// </summary>
public abstract class CaseListFamily : IVerificationFamily
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    public virtual string OperationUnit => "ops";
    public virtual bool Runs(SeededBug bug) => false;

    public abstract IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection);

    public abstract Coverage NewCoverage(FamilyConfiguration configuration);

    /// <summary>The length of the case list under a configuration; null when unbounded.</summary>
    protected virtual long? CaseCount(FamilyConfiguration configuration) => null;

    /// <summary>
    /// Whether the next case can be expected to finish in the time left (asked before every case but the first). A
    /// family whose cases grow steeply (exhaustive depth) stops here instead of starting a case it cannot finish.
    /// </summary>
    protected virtual bool WorthStarting(FamilyContext context, CaseSpec next, IReadOnlyList<CaseRecord> done) => true;

    /// <summary>Runs one case; exceptions from the code under test must be turned into a failure here.</summary>
    protected abstract CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress);

    public FamilyResult Run(FamilyContext context, IProgressReporter progress)
    {
        var clock = Stopwatch.StartNew();
        Coverage coverage = NewCoverage(context.Configuration);
        var cases = new List<CaseRecord>();
        var failures = new List<StreamFailure>();
        long operations = 0;
        StopReason stop = StopReason.Exhausted;

        foreach (CaseSpec spec in context.PlannedCases(Name, CaseCount(context.Configuration)))
        {
            // The first case runs whenever the stream got any time, so even a tiny budget checks something visible;
            // a stream reached after the whole budget is spent (its slice is zero) starts nothing, so a run ends within
            // its budget plus the one case that overran it.
            if (context.Cancellation.IsCancellationRequested) { stop = StopReason.Cancelled; break; }
            if (context.MaxCases is { } max && cases.Count >= max) { stop = StopReason.CaseLimit; break; }
            if (cases.Count == 0 && context.TimeSlice <= TimeSpan.Zero) { stop = StopReason.Budget; break; }
            if (cases.Count > 0 && (context.OutOfTime || !WorthStarting(context, spec, cases))) { stop = StopReason.Budget; break; }

            progress.CaseStarted(spec);
            CaseOutcome outcome = RunCase(context, spec, coverage, progress);
            var record = new CaseRecord(spec.Index, spec.Seed, outcome.Operations, outcome.Failure is null, outcome.Completed);
            cases.Add(record);
            operations += outcome.Operations;
            progress.CaseFinished(record);
            if (outcome.Failure is not null)
            {
                failures.Add(outcome.Failure);
                stop = StopReason.Failure;
                break;
            }
            if (!outcome.Completed)
            {
                stop = context.Cancellation.IsCancellationRequested ? StopReason.Cancelled : StopReason.Budget;
                break;
            }
        }
        return new FamilyResult(Name, context.Configuration, cases, operations, coverage, failures, stop, clock.Elapsed)
        {
            OperationUnit = OperationUnit,
        };
    }
}
