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
/// <c>--shard</c>, where the depths are spread over the runners). Every case draws on the stream's time slice: the exploration stops at the
/// deadline inside a depth, and the case is reported as not completed (the depths before it were). A failure is a
/// shortest counterexample (BFS). Each case's depth, states, transitions and reduction factor are written to
/// <c>exhaustive-&lt;geometry&gt;-&lt;oracle&gt;.txt</c> in the counterexample directory's parent (the <c>--out</c> directory).
/// </summary>
public sealed class ExhaustiveFamily(int maxDepth = ExhaustiveFamily.DefaultMaxDepth) : CaseListFamily
{
    public const string FamilyName = "exhaustive";
    public const int DefaultMaxDepth = 12;

    /// <summary>The exploration each stream deepens case by case.</summary>
    private readonly Dictionary<FamilyContext, ExplorationSession> _sessions = [];

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
        // Stop at the slice's end, inside a depth if need be. The roots (depth 0) are checked before the first look at
        // the token, so even a case started with nothing left checks something.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(context.Cancellation);
        deadline.CancelAfter(context.Remaining);

        if (!_sessions.TryGetValue(context, out ExplorationSession? session) || !session.CanDeepen || session.DepthCompleted != depth - 1)
            _sessions[context] = session = new ExplorationSession(context.Configuration.Geometry, variant, context.CounterexampleDirectory);
        long before = session.States;
        ExplorationResult result = session.Deepen(depth, deadline.Token, new StatesReporter(progress, before));
        WriteSummary(context, spec, result);
        long added = result.States - before;

        if (result.Counterexample is { } found)
        {
            return new CaseOutcome(added, new StreamFailure(spec.Index, spec.Seed,
                $"depth {depth}: shortest counterexample ({found.Operations.Length} operations): {found.Failure?.Message}",
                result.CounterexamplePath, result.CounterexampleLength, context.SeededBugReplayOption));
        }
        return new CaseOutcome(added, null, Completed: result.DepthCompleted >= depth);
    }

    /// <summary>Appends the case's exploration summary (depth completed, states, transitions, reduction factor) to the
    /// stream's summary file: the campaign's table has no column for them.</summary>
    private static void WriteSummary(FamilyContext context, CaseSpec spec, ExplorationResult result)
    {
        string directory = Path.GetDirectoryName(Path.GetFullPath(context.CounterexampleDirectory))!;
        Directory.CreateDirectory(directory);
        string name = $"{FamilyName}-{context.Configuration.Geometry.Name}-{OracleNames.Of(context.Configuration.Oracle)}" +
                      (context.SeededBug is null ? "" : $"-{context.SeededBug.Name}") + ".txt";
        File.AppendAllText(Path.Combine(directory, name), $"case {spec.Index}: {result.Summary()}\n");
    }

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
