using System.Collections.Concurrent;
using System.Diagnostics;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Properties.Exhaustive;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Teeth;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Families.Exhaustive;

/// <summary>
/// Bounded exhaustive exploration (Properties/Exhaustive/): on Tiny, every sequence of the explorer's alphabet up to
/// a depth, breadth-first from four adversarial layouts on the simulated space, every property checked in every
/// state, canonical states visited once. Case k explores to depth k + 1 from scratch, so the report says exactly how
/// deep the check went; under <c>--shard</c> the depths are spread over the runners. A depth the time left cannot
/// finish (estimated from the growth of the previous one) is not started; a first case that outruns its time slice
/// stops at the deadline and is reported as not completed. A failure is a shortest counterexample (BFS).
/// </summary>
public sealed class ExhaustiveFamily(int maxDepth = ExhaustiveFamily.DefaultMaxDepth) : CaseListFamily
{
    public const string FamilyName = "exhaustive";
    public const int DefaultMaxDepth = 8;

    /// <summary>Growth factor of the work per depth assumed before two depths have been measured.</summary>
    private const double AssumedGrowth = 8;

    private readonly ConcurrentDictionary<FamilyContext, List<(long Transitions, TimeSpan Elapsed)>> _measured = new();

    public override string Name => FamilyName;

    public override string OperationUnit => "states";

    public override string Description =>
        $"bounded exhaustive exploration on tiny (simulated space, memcheck, every garbage value), depth 1..{maxDepth}";

    /// <summary>The oracle bugs (the explorer's alphabet has no hook to seed an allocator bug through).</summary>
    public override bool Runs(SeededBug bug) => bug is HeapBug { IsOracleBug: true };

    public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
        FamilyConfiguration.Cross(selection, [Geometry.Tiny], mustBeSelected: true);

    public override Coverage NewCoverage(FamilyConfiguration configuration) => new([], []);

    protected override long? CaseCount(FamilyConfiguration configuration) => maxDepth;

    protected override bool WorthStarting(FamilyContext context, CaseSpec next, IReadOnlyList<CaseRecord> done)
    {
        if (!_measured.TryGetValue(context, out var runs) || runs.Count == 0) return true;
        (long lastTransitions, TimeSpan lastElapsed) = runs[^1];
        double growth = runs.Count >= 2 && runs[^2].Transitions > 0
            ? Math.Max(1, (double)lastTransitions / runs[^2].Transitions)
            : AssumedGrowth;
        long depthsAhead = next.Index - done[^1].Index;
        double estimateSeconds = lastElapsed.TotalSeconds * Math.Pow(growth, depthsAhead);
        // The next depth must fit in what is left of this stream's fair share (and of the run), so one deep exploration
        // does not hold a worker while the other streams wait for their turn.
        TimeSpan spent = TimeSpan.FromTicks(runs.Sum(r => r.Elapsed.Ticks));
        TimeSpan share = context.FairShare > spent ? context.FairShare - spent : TimeSpan.Zero;
        return estimateSeconds <= Math.Min(share.TotalSeconds, context.Remaining.TotalSeconds);
    }

    protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
    {
        int depth = (int)spec.Index + 1;
        HeapVariant variant = context.SeededBug is HeapBug bug ? TeethCatalog.VariantOf(bug) : HeapVariant.Real(context.Configuration.Oracle);

        var clock = Stopwatch.StartNew();
        ExplorationResult result = ExhaustiveExplorer.Run(context.Configuration.Geometry, variant, depth, context.Stop,
            new StatesReporter(progress), context.CounterexampleDirectory);
        _measured.GetOrAdd(context, _ => []).Add((result.Transitions, clock.Elapsed));

        if (result.Counterexample is { } found)
        {
            return new CaseOutcome(result.States, new StreamFailure(spec.Index, spec.Seed,
                $"depth {depth}: shortest counterexample ({found.Operations.Length} operations): {found.Failure?.Message}",
                result.CounterexamplePath, result.CounterexampleLength, context.SeededBugReplayOption));
        }
        return new CaseOutcome(result.States, null, Completed: result.DepthCompleted >= depth);
    }

    /// <summary>Forwards the explorer's state count (reported from its worker threads) as progress.</summary>
    private sealed class StatesReporter(IProgressReporter progress) : IProgress<ExplorationProgress>
    {
        private readonly Lock _gate = new();
        private long _reported;

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
