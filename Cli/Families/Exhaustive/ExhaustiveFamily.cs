using System.Collections.Concurrent;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Options;
using PymallocVerify.Properties.Exhaustive;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Teeth;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Families.Exhaustive;

/// <summary>
/// Bounded exhaustive exploration (Properties/Exhaustive/): on Tiny, every sequence of the explorer's alphabet up to
/// a depth, breadth-first from four adversarial layouts on the simulated space, every property checked in every
/// state, canonical states visited once and states equal up to a renaming of handles merged (handle symmetry). Case k
/// explores to depth k + 1, so the report says exactly how deep the check went: it deepens the stream's exploration by
/// one level when case k − 1 ran just before in the same stream and completed (the same states as a fresh exploration,
/// each level run once; its count is the states that level added), else it explores from scratch (under
/// <c>--shard</c>, where the depths are spread over the runners). Without <c>--cases</c> a case draws on the stream's fair
/// share of the budget: the exploration stops inside a depth when it is spent, and the case is reported as not
/// completed (the depths before it were). A failure is a shortest counterexample (BFS). Each case's depth, states,
/// transitions and reduction factor are its detail in report.json, and the last case's is shown under the summary.
/// </summary>
public sealed class ExhaustiveFamily(int maxDepth = ExhaustiveFamily.DefaultMaxDepth) : CaseListFamily
{
    public const string FamilyName = "exhaustive";
    public const int DefaultMaxDepth = 12;

    /// <summary>Each stream's exploration, deepened case by case, and the time its cases have taken.</summary>
    private readonly ConcurrentDictionary<FamilyContext, StreamExploration> _streams = new();

    private sealed class StreamExploration
    {
        public ExplorationSession? Session;
        public TimeSpan Spent;
    }

    public override string Name => FamilyName;

    public override string OperationUnit => "states";

    public override string Description =>
        $"bounded exhaustive exploration on tiny (simulated space, memcheck, every garbage value, handle symmetry), depth 1..{maxDepth}";

    /// <summary>The oracle bugs (the explorer's alphabet has no hook to seed an allocator bug through).</summary>
    public override bool Runs(SeededBug bug) => bug is HeapBug { IsOracleBug: true };

    public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
        FamilyConfiguration.Cross(selection, [Geometry.Tiny], mustBeSelected: true);

    public override Coverage NewCoverage(FamilyConfiguration configuration) => new([], []);

    protected override long? CaseCount(FamilyConfiguration configuration) => maxDepth;

    protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
    {
        int depth = (int)spec.Index + 1;
        HeapVariant variant = context.SeededBug is HeapBug bug ? TeethCatalog.VariantOf(bug) : HeapVariant.Real(context.Configuration.Oracle);
        // Without --cases a depth stops inside itself at the end of this stream's fair share (or of the run), so one deep
        // exploration never holds a worker while the other streams wait. The roots (depth 0) are checked before the
        // first look at the token, so even a case started with nothing left checks something.
        StreamExploration stream = _streams.GetOrAdd(context, _ => new StreamExploration());
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.Stop);
        if (context.MaxCases is null)
        {
            TimeSpan share = context.FairShare > stream.Spent ? context.FairShare - stream.Spent : TimeSpan.Zero;
            deadline.CancelAfter(share < context.Remaining ? share : context.Remaining);
        }

        if (stream.Session is not { CanDeepen: true } session || session.DepthCompleted != depth - 1)
            stream.Session = session = new ExplorationSession(context.Configuration.Geometry, variant, context.CounterexampleDirectory);
        long before = session.States;
        var clock = System.Diagnostics.Stopwatch.StartNew();
        ExplorationResult result = session.Deepen(depth, deadline.Token, new StatesReporter(progress, before));
        stream.Spent += clock.Elapsed;
        long added = result.States - before;

        if (result.Counterexample is { } found)
        {
            return new CaseOutcome(added, new StreamFailure(spec.Index, spec.Seed,
                $"depth {depth}: shortest counterexample ({found.Operations.Length} operations): {found.Failure?.Message}",
                result.CounterexamplePath, result.CounterexampleLength, context.SeededBugReplayOption));
        }
        return new CaseOutcome(added, null, Completed: result.DepthCompleted >= depth, Detail: Detail(result));
    }

    /// <summary>What the case reached: the depth completed (and the one cut short), the distinct states and transitions
    /// of the stream's exploration so far, and how much the handle symmetry merged.</summary>
    private static string Detail(ExplorationResult result) =>
        $"depth {result.DepthCompleted} of {result.RequestedDepth} complete" +
        (result.Cancelled ? $" (depth {result.DepthCompleted + 1} cut short)" : "") +
        $", {result.States:N0} states, {result.Transitions:N0} transitions, {result.MergedBySymmetry:N0} merged by symmetry " +
        $"(reduction factor >= {result.ReductionFactor.ToString("F2", System.Globalization.CultureInfo.InvariantCulture)})";

    /// <summary>Forwards the explorer's state count (reported from its worker threads) as progress, from the count the
    /// session had when the case began.</summary>
    private sealed class StatesReporter(IProgressReporter progress, long start) : IProgress<ExplorationProgress>
    {
        private readonly Lock _gate = new();
        private long _reported = start;

        public void Report(ExplorationProgress value)
        {
            lock (_gate)
            {
                if (value.States <= _reported) return;
                progress.Advance(value.States - _reported);
                _reported = value.States;
            }
        }
    }
}
