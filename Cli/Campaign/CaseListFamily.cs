using System.Diagnostics;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// A family whose work is a deterministic list of independent cases (case k's seed derives from the campaign
/// seed and k). The stream runs this shard's cases in order, one per turn the scheduler gives it; time stops a case
/// only through <see cref="FamilyContext.Stop"/>, so a run is fully described by the cases it ran — and the report
/// lists them, marking a case the clock cut short.
/// </summary>
public abstract class CaseListFamily : IVerificationFamily
{
    public abstract string Name { get; }
    public abstract string Description { get; }
    public virtual string OperationUnit => "ops";
    public virtual double TimeShare => 1;
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

    /// <summary>
    /// Runs one case; exceptions from the code under test must be turned into a failure here. A case that can run long
    /// passes <see cref="FamilyContext.Stop"/> on and returns <see cref="CaseOutcome.Completed"/> false when it fired.
    /// </summary>
    protected abstract CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress);

    public IStreamRun Start(FamilyContext context, IProgressReporter progress) => new CaseStream(this, context, progress);

    private sealed class CaseStream : IStreamRun
    {
        private readonly CaseListFamily _family;
        private readonly FamilyContext _context;
        private readonly IProgressReporter _progress;
        private readonly IEnumerator<CaseSpec> _plan;
        private readonly Coverage _coverage;
        private readonly List<CaseRecord> _cases = [];
        private readonly List<StreamFailure> _failures = [];
        private readonly Stopwatch _busy = new();
        private long _operations;
        private StopReason? _stop;

        public CaseStream(CaseListFamily family, FamilyContext context, IProgressReporter progress)
        {
            _family = family;
            _context = context;
            _progress = progress;
            _plan = context.PlannedCases(family.Name, family.CaseCount(context.Configuration)).GetEnumerator();
            _coverage = family.NewCoverage(context.Configuration);
        }

        public IVerificationFamily Family => _family;
        public FamilyConfiguration Configuration => _context.Configuration;
        public bool Finished => _stop is not null;
        public int CasesRun => _cases.Count;
        public TimeSpan Busy => _busy.Elapsed;

        public void RunNextCase()
        {
            if (_stop is not null) return;
            // The budget stops a stream between cases: a stream whose turn comes after it is spent starts nothing and
            // is reported as having got no time.
            if (_context.Interrupted) { _stop = StopReason.Cancelled; return; }
            if (_context.MaxCases is { } max && _cases.Count >= max) { _stop = StopReason.CaseLimit; return; }
            if (!_plan.MoveNext()) { _stop = StopReason.Exhausted; return; }
            if (!_context.Clock.MayStartCase()) { _stop = StopReason.Budget; return; }
            CaseSpec spec = _plan.Current;
            if (_cases.Count > 0 && !_family.WorthStarting(_context, spec, _cases)) { _stop = StopReason.Budget; return; }

            _busy.Start();
            _progress.CaseStarted(spec);
            CaseOutcome outcome;
            try { outcome = _family.RunCase(_context, spec, _coverage, _progress); }
            finally { _busy.Stop(); }
            var record = new CaseRecord(spec.Index, spec.Seed, outcome.Operations, outcome.Failure is null, outcome.Completed, outcome.Detail);
            _cases.Add(record);
            _operations += outcome.Operations;
            _progress.CaseFinished(record);
            if (outcome.Failure is not null)
            {
                _failures.Add(outcome.Failure);
                _stop = StopReason.Failure;
            }
            else if (!outcome.Completed)
                _stop = _context.Interrupted ? StopReason.Cancelled : StopReason.Budget;
        }

        public FamilyResult Result(StopReason unfinished) =>
            new(_family.Name, _context.Configuration, _cases, _operations, _coverage, _failures, _stop ?? unfinished, _busy.Elapsed)
            {
                OperationUnit = _family.OperationUnit,
            };
    }
}
