using System.Collections.Concurrent;
using System.Text;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Model;
using PymallocVerify.Properties.Exhaustive;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Teeth;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// Bounded exhaustive exploration on Tiny, simulated backend: the real allocator (both oracles) is clean to the test
/// depth, and every oracle bug in the teeth catalog is found with a shortest counterexample.
/// </summary>
public class ExhaustiveExplorerTests(ITestOutputHelper output)
{
    /// <summary>The depth the test explores the real allocator (classic oracle) to; PMV_EFFORT ≥ 4 goes one deeper.</summary>
    public static int TestDepth => Effort.Multiplier >= 4 ? 5 : 4;

    /// <summary>Deep enough for every oracle bug in the catalog (the explorer stops at the first failing level).</summary>
    public const int TeethDepth = 3;

    private static readonly ConcurrentDictionary<string, Lazy<ExplorationResult>> Hunts = new();

    private static ExplorationResult Hunt(Tooth tooth) =>
        Hunts.GetOrAdd(tooth.Name, _ => new Lazy<ExplorationResult>(() =>
            ExhaustiveExplorer.Run(Geometry.Tiny, tooth.Variant, TeethDepth, counterexampleDirectory: ArtifactPaths.CounterexampleDirectory()))).Value;

    [Theory]
    [InlineData("PoolIndex")]
    [InlineData("RadixTree")]
    public void The_real_allocator_is_clean_in_every_state_to_the_test_depth(string oracle)
    {
        var levels = new List<ExplorationProgress>();
        ExplorationResult result = ExhaustiveExplorer.Run(Geometry.Tiny, HeapVariant.Real(Enum.Parse<OracleKind>(oracle)),
            oracle == "PoolIndex" ? TestDepth : TestDepth - 1, progress: new SynchronousProgress(levels.Add));
        output.WriteLine(result.Summary());
        foreach (ExplorationProgress p in levels) output.WriteLine($"  depth {p.Depth}: {p.States} states, {p.Transitions} transitions, {p.Elapsed.TotalSeconds:F1} s");
        Assert.True(result.Passed, result.Summary());
        Assert.Equal(result.RequestedDepth, result.DepthCompleted);
        Assert.True(result.States > 100 && result.Transitions > result.States, result.Summary());
    }

    public static TheoryData<string> OracleTeeth => new(TeethCatalog.All.Where(t => t.IsOracleBug).Select(t => t.Name));

    [Theory]
    [MemberData(nameof(OracleTeeth))]
    public void Every_oracle_bug_is_found_with_a_shortest_counterexample(string name)
    {
        Tooth tooth = TeethCatalog.Find(name);
        ExplorationResult result = Hunt(tooth);
        output.WriteLine(result.Summary());
        Counterexample c = Assert.IsType<Counterexample>(result.Counterexample);
        output.WriteLine(string.Join("\n", c.Program));
        Assert.InRange(c.Operations.Length, 1, TeethDepth + 1);
        Assert.NotNull(result.CounterexamplePath);
        Assert.False(CounterexampleReplayer.Replay(result.CounterexamplePath!, tooth.Name).Passed, "replay on the bug fails");
        CounterexampleReplayReport real = CounterexampleReplayer.Replay(c);
        Assert.True(real.Passed, real.Format());
        // Shortest: no strictly shorter prefix-closed sequence fails — the explorer finished every shallower level.
        Assert.True(result.DepthCompleted >= c.Operations.Length - 2, result.Summary());
    }

    [Fact]
    public void Explorer_teeth_table()
    {
        var table = new StringBuilder("| seeded bug | BFS counterexample ops | states | transitions | time |\n|---|---|---|---|---|\n");
        foreach (Tooth tooth in TeethCatalog.All.Where(t => t.IsOracleBug))
        {
            ExplorationResult r = Hunt(tooth);
            table.Append($"| `{tooth.Name}` | {r.CounterexampleLength?.ToString() ?? "not found"} | {r.States} | {r.Transitions} | {r.Elapsed.TotalMilliseconds:F0} ms |\n");
        }
        output.WriteLine(table.ToString());
        string path = Path.Combine(ArtifactPaths.RepositoryRoot(), "artifacts", "explorer-teeth-table.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, table.ToString());
        Assert.DoesNotContain("not found", table.ToString());
    }

    /// <summary>
    /// Teeth of the reductions: each oracle bug is found at the same shortest length, after the same number of complete
    /// levels, with handle symmetry as without it — merging lost no failing program.
    /// </summary>
    [Theory]
    [MemberData(nameof(OracleTeeth))]
    public void Every_oracle_bug_is_found_at_the_same_depth_with_and_without_reductions(string name)
    {
        Tooth tooth = TeethCatalog.Find(name);
        ExplorationResult reduced = Hunt(tooth);
        ExplorationResult plain = ExhaustiveExplorer.Run(Geometry.Tiny, tooth.Variant, TeethDepth, reductions: ExplorationReductions.None);
        output.WriteLine(reduced.Summary());
        output.WriteLine(plain.Summary());
        Assert.Equal(plain.CounterexampleLength, reduced.CounterexampleLength);
        Assert.Equal(plain.DepthCompleted, reduced.DepthCompleted);
        Assert.True(reduced.States <= plain.States, "the reductions explored more states than plain hashing");
    }

    [Fact]
    public void Handle_symmetry_merges_states_and_reports_the_factor()
    {
        ExplorationResult plain = ExhaustiveExplorer.Run(Geometry.Tiny, HeapVariant.RealPoolIndex, 3, reductions: ExplorationReductions.None);
        ExplorationResult reduced = ExhaustiveExplorer.Run(Geometry.Tiny, HeapVariant.RealPoolIndex, 3);
        output.WriteLine(plain.Summary());
        output.WriteLine(reduced.Summary());
        Assert.True(plain.Passed && reduced.Passed);
        Assert.Equal(0, plain.MergedBySymmetry);
        Assert.True(reduced.MergedBySymmetry > 0 && reduced.States < plain.States, reduced.Summary());
        Assert.True(reduced.ReductionFactor > 1 && reduced.ReductionFactor <= (double)plain.States / reduced.States, reduced.Summary());
        Assert.Equal(reduced.States, reduced.Levels.Sum(l => l.NewStates));
    }

    /// <summary>A session deepened level by level reaches what one exploration to the same depth reaches.</summary>
    [Fact]
    public void A_session_deepened_level_by_level_reaches_the_same_states_as_one_exploration()
    {
        ExplorationResult whole = ExhaustiveExplorer.Run(Geometry.Tiny, HeapVariant.RealPoolIndex, 3);
        var session = new ExplorationSession(Geometry.Tiny, HeapVariant.RealPoolIndex);
        ExplorationResult stepped = session.Deepen(1);
        Assert.Equal(1, stepped.DepthCompleted);
        stepped = session.Deepen(2);
        stepped = session.Deepen(3);
        Assert.Equal((whole.States, whole.Transitions, whole.QueriesChecked, whole.MergedBySymmetry, whole.DepthCompleted),
            (stepped.States, stepped.Transitions, stepped.QueriesChecked, stepped.MergedBySymmetry, stepped.DepthCompleted));
        Assert.Equal(whole.Levels.Select(l => (l.Depth, l.NewStates, l.Transitions)), stepped.Levels.Select(l => (l.Depth, l.NewStates, l.Transitions)));
        Assert.True(session.CanDeepen);
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        Assert.True(session.Deepen(4, cancelled.Token).Cancelled);
        Assert.False(session.CanDeepen);
        Assert.Throws<InvalidOperationException>(() => session.Deepen(5));
    }

    /// <summary>
    /// A state's checks run in the transitions that reach it before any earlier one in the level's order, the earliest
    /// always among them, and the merge takes the earliest: the states, queries and counterexamples must not depend on
    /// which transition got where first. Taking each level last first makes a later transition reach every repeated
    /// state first; four workers on two cores race. A claim won by whoever comes first, or a merge that kept a
    /// transition that did not check, fails here.
    /// </summary>
    [Fact]
    public void The_result_does_not_depend_on_which_transition_reached_a_state_first()
    {
        static ExplorationResult Explore(HeapVariant variant, int depth, int workers, bool lastFirst = false) =>
            new ExplorationSession(Geometry.Tiny, variant, parallelism: workers) { TransitionsLastFirst = lastFirst }.Deepen(depth);
        ExplorationResult forward = Explore(HeapVariant.RealPoolIndex, 4, workers: 1);
        output.WriteLine(forward.Summary());
        foreach (ExplorationResult other in new[] { Explore(HeapVariant.RealPoolIndex, 4, 1, lastFirst: true), Explore(HeapVariant.RealPoolIndex, 4, 4) })
            Assert.Equal((forward.States, forward.Transitions, forward.QueriesChecked, forward.MergedBySymmetry),
                (other.States, other.Transitions, other.QueriesChecked, other.MergedBySymmetry));
        foreach (Tooth tooth in TeethCatalog.All.Where(t => t.IsOracleBug))
        {
            Counterexample first = Explore(tooth.Variant, TeethDepth, 1).Counterexample!;
            foreach (Counterexample other in new[] { Explore(tooth.Variant, TeethDepth, 1, lastFirst: true).Counterexample!, Explore(tooth.Variant, TeethDepth, 4).Counterexample! })
            {
                Assert.Equal(string.Join("\n", first.Program), string.Join("\n", other.Program));
                Assert.Equal(first.Failure?.Message, other.Failure?.Message);
            }
        }
    }

    /// <summary>
    /// A transition replays the model states recorded on its path instead of stepping the model again; the states admitted
    /// after <see cref="ExplorationSession.RecordedStatesLimit"/> step it as before. Which states keep theirs must change
    /// nothing but speed: none, some (a limit inside the second level, so paths mix both) and all explore the same states,
    /// transitions and queries, and find each oracle bug with the same counterexample. A replay that took the wrong
    /// recorded state (another step's, the parent's for the child) hashes other states here, or diverges.
    /// </summary>
    [Fact]
    public void Recorded_model_states_change_nothing_but_speed()
    {
        static ExplorationResult Explore(HeapVariant variant, int depth, long recorded) =>
            new ExplorationSession(Geometry.Tiny, variant, parallelism: 2) { RecordedStatesLimit = recorded }.Deepen(depth);
        foreach ((HeapVariant variant, int depth) in new[] { (HeapVariant.RealPoolIndex, 4), (HeapVariant.Differential, 3) })
        {
            ExplorationResult all = Explore(variant, depth, long.MaxValue);
            output.WriteLine(all.Summary());
            foreach (long limit in new long[] { 0, 40 })
            {
                ExplorationResult other = Explore(variant, depth, limit);
                Assert.Equal((all.States, all.Transitions, all.QueriesChecked, all.MergedBySymmetry),
                    (other.States, other.Transitions, other.QueriesChecked, other.MergedBySymmetry));
                Assert.Equal(all.Levels.Select(l => (l.NewStates, l.Transitions)), other.Levels.Select(l => (l.NewStates, l.Transitions)));
            }
        }
        foreach (Tooth tooth in TeethCatalog.All.Where(t => t.IsOracleBug))
        {
            Counterexample recorded = Explore(tooth.Variant, TeethDepth, long.MaxValue).Counterexample!;
            Counterexample stepped = Explore(tooth.Variant, TeethDepth, 0).Counterexample!;
            Assert.Equal(string.Join("\n", stepped.Program), string.Join("\n", recorded.Program));
            Assert.Equal(stepped.Failure?.Message, recorded.Failure?.Message);
        }
    }

    /// <summary>
    /// A replayed step is not checked again, so the runner makes sure the prefix is the one that was checked: the heap must
    /// hand out an address where the recorded state holds a block of the size asked for, and route and complete each
    /// release. States recorded on another layout (other addresses), for another program, or altered, are refused, naming
    /// the step; the right ones give the run that stepped the model.
    /// </summary>
    [Fact]
    public void A_replayed_prefix_that_is_not_this_runs_is_refused()
    {
        var runner = new CaseRunner(Geometry.Tiny, HeapVariant.RealPoolIndex);
        var layouts = ExplorationLayouts.For(runner.Geometry);
        Operation[] program = [new MallocOp(16), new MallocOp(48), new FreeOp(0), new MallocOp(16)];
        ModelState[] StatesOf(Operation[] ops, int layout) =>
            [.. Enumerable.Range(1, ops.Length).Select(n => StateAfter(runner, ops[..n], layouts[layout].Layout))];
        TestCase Case(int layout) => new([.. program], [0]) { Layout = layouts[layout].Layout };

        ModelState[] recorded = StatesOf(program, 0);
        RunOutcome stepped = runner.Run(Case(0)), replayed = runner.Run(Case(0), replayed: recorded[..3]);
        Assert.False(replayed.Failed, replayed.Failure?.Message);
        Assert.Equal(stepped.Trace[^1].Verdict.Observed, replayed.Trace[^1].Verdict.Observed);
        Assert.Equal(3, stepped.Trace.Length - replayed.Trace.Length); // replayed steps leave no trace

        var otherLayout = Assert.Throws<InvalidOperationException>(() => runner.Run(Case(1), replayed: recorded[..3]));
        Assert.Contains("replayed step 0 (malloc(16)) diverged", otherLayout.Message);
        Operation[] foreignFirst = [new ForeignAllocOp(32), new MallocOp(16)];
        Assert.Contains("replayed step 0 (foreign",
            Assert.Throws<InvalidOperationException>(() => runner.Run(new TestCase([.. foreignFirst], [0]) { Layout = layouts[0].Layout },
                replayed: StatesOf(foreignFirst, 3)[..1])).Message);
        ModelState[] otherProgram = StatesOf([new MallocOp(48), new MallocOp(16)], 0);
        Assert.Contains("replayed step 0", Assert.Throws<InvalidOperationException>(() => runner.Run(Case(0), replayed: otherProgram)).Message);
        Assert.Throws<ArgumentException>(() => runner.Run(Case(0), replayed: StatesOf([.. program, new MallocOp(16)], 0)));

        // A recorded state that says the first block is the system's: the free is routed otherwise.
        LiveBlock first = recorded[1].Blocks[0];
        ModelState WithFirstBlock(ModelState s, LiveBlock block) =>
            s with { Blocks = s.Blocks.SetItem(0, block), BlocksByStart = s.BlocksByStart.Remove(block).Add(block) };
        ModelState[] misrouted = [recorded[0], WithFirstBlock(recorded[1], first with { Kind = BlockKind.System }), recorded[2]];
        Assert.Contains("replayed step 2 (free(#0)) diverged from the run that recorded it: the ownership test now answers true",
            Assert.Throws<InvalidOperationException>(() => runner.Run(Case(0), replayed: misrouted)).Message);
        // One that puts the first block in the middle of a real one: the free the heap refuses is a divergence too.
        ModelState[] inside = [recorded[0], WithFirstBlock(recorded[1], first with { Address = first.Address + 8 }), recorded[2]];
        Assert.Contains("replayed step 2 (free(#0)) diverged from the run that recorded it: it threw HeapMisuseException",
            Assert.Throws<InvalidOperationException>(() => runner.Run(Case(0), replayed: inside)).Message);
    }

    private static ModelState StateAfter(CaseRunner runner, Operation[] program, SimulatedLayout layout) =>
        Reached(runner, program, layout, (state, _, _) => state);

    /// <summary>What <paramref name="read"/> sees of the state <paramref name="program"/> reaches (it must pass).</summary>
    private static T Reached<T>(CaseRunner runner, Operation[] program, SimulatedLayout layout,
        Func<ModelState, IHeapDriver, SimulatedAddressSpace, T> read)
    {
        T? seen = default;
        RunOutcome outcome = runner.Run(new TestCase([.. program], [0]) { Layout = layout }, program.Length, (state, heap, backend) =>
        {
            seen = read(state, heap, ((SimulatedCaseBackend)backend).Space);
            return true;
        });
        Assert.False(outcome.Failed, outcome.Failure?.Message);
        return seen!;
    }

    /// <summary>
    /// The symmetric hash merges exactly the states that differ only in their handles' order: a renamed twin hashes
    /// alike (and so does its renamed continuation), while states the oracle can tell apart — another block freed or
    /// moved, another size — hash differently. A key that dropped what the oracle observes would merge them here.
    /// </summary>
    [Fact]
    public void Handle_symmetry_merges_renamed_twins_and_nothing_the_oracle_can_tell_apart()
    {
        Operation m16 = new MallocOp(16), m32 = new MallocOp(32);
        // [a, b] and [b, a]: the second frees a and gets the same address back (LIFO free list) as the last handle.
        (ulong Symmetric, ulong Ordered) ab = HashAfter(m16, m16);
        (ulong Symmetric, ulong Ordered) ba = HashAfter(m16, m16, new FreeOp(0), m16);
        Assert.NotEqual(ab.Ordered, ba.Ordered);
        Assert.Equal(ab.Symmetric, ba.Symmetric);
        // The renamed continuation (free a: handle 0 in one, handle 1 in the other) reaches one state again.
        Assert.Equal(HashAfter(m16, m16, new FreeOp(0)).Symmetric, HashAfter(m16, m16, new FreeOp(0), m16, new FreeOp(1)).Symmetric);
        // Observable differences stay apart — here only the model can tell (same class, same heap; which address has which size).
        Assert.NotEqual(HashAfter(new MallocOp(33), new MallocOp(48)).Symmetric, HashAfter(new MallocOp(48), new MallocOp(33)).Symmetric);
        Assert.NotEqual(HashAfter(m16, m16, new FreeOp(0)).Symmetric, HashAfter(m16, m16, new FreeOp(1)).Symmetric);
        Assert.NotEqual(HashAfter(m16, m16, new ReallocOp(0, 48)).Symmetric, HashAfter(m16, m16, new ReallocOp(1, 48)).Symmetric);
        Assert.NotEqual(HashAfter(m16, m32).Symmetric, HashAfter(m32, m16).Symmetric);
        Assert.NotEqual(HashAfter(m16).Symmetric, HashAfter(m32).Symmetric);
        Assert.NotEqual(HashAfter(new ForeignAllocOp(32), m16).Symmetric, HashAfter(m16).Symmetric);
    }

    /// <summary>
    /// The fixed check is_owned(freed arena + pool + overhead) aims into the most recently released arena. On the low-arena
    /// layout (arena A low, B high; A emptied and released, B filled, a new low arena C) a foreign block allocated and
    /// freed first moves C: the check's address then lies in C (Unspecified; the heap answers true) or in no arena
    /// (NotOwned; false). The two states hash apart; a hash that kept only how many arenas were freed merged them.
    /// </summary>
    [Fact]
    public void States_the_freed_arena_check_tells_apart_hash_apart()
    {
        Operation m16 = new MallocOp(16), m32 = new MallocOp(32), m48 = new MallocOp(48), m64 = new MallocOp(64), f0 = new FreeOp(0);
        Operation[] x = [m64, m64, m64, m16, m32, m48, f0, f0, f0, f0, f0, m16, m32, m64, m64, m64, m64];
        Operation[] y = [new ForeignAllocOp(32), new ForeignFreeOp(0), .. x];
        var runner = new CaseRunner(Geometry.Tiny, HeapVariant.RealPoolIndex);
        const int lowArenas = 3;
        Assert.StartsWith("low arenas", ExplorationLayouts.For(runner.Geometry)[lowArenas].Name);
        var freedArenaCheck = (QueryOp)new ExplorationAlphabet(runner.Geometry).ChecksFor(0, 0).Single(q => ((QueryOp)q).Address is FreedArenaAddress);
        (ulong Hash, Ownership Spec, bool Answer) After(Operation[] program) =>
            Reached(runner, program, ExplorationLayouts.For(runner.Geometry)[lowArenas].Layout, (state, heap, space) =>
            {
                ulong q = AddressResolver.Resolve(state, freedArenaCheck.Address)!.Value;
                return (CanonicalState.Hashes(lowArenas, state, heap, space, runner.Geometry).Symmetric, state.OwnershipOf(q), heap.IsOwned(q));
            });
        var (a, b) = (After(x), After(y));
        Assert.Equal((Ownership.Unspecified, true), (a.Spec, a.Answer));
        Assert.Equal((Ownership.NotOwned, false), (b.Spec, b.Answer));
        Assert.NotEqual(a.Hash, b.Hash);
    }

    /// <summary>
    /// A foreign block inside a released arena: which one, and where in it, matters. The freed-arena check aims into the
    /// most recently released arena, so a block there decides what that check's index read finds; a block in an older
    /// one does not. Two model states that differ only in that (over one real heap) hash apart, in both forms; a hash
    /// that kept only "inside some released arena" merged them.
    /// </summary>
    [Fact]
    public void States_whose_foreign_block_sits_in_different_released_arenas_hash_apart()
    {
        var runner = new CaseRunner(Geometry.Tiny, HeapVariant.RealPoolIndex);
        ulong arena = (ulong)runner.Geometry.ArenaSize;
        (ulong, ulong)[] hashes = Reached(runner, [new MallocOp(16)], ExplorationLayouts.For(runner.Geometry)[0].Layout, (state, heap, space) =>
        {
            ulong older = 0x5500_0000_0000, newer = older + 4 * arena;
            ModelState released = state with { ReleasedArenas = [new ReleasedArena(7, older, arena), new ReleasedArena(8, newer, arena)] };
            ModelState At(ulong address) => released with { Foreign = [new ForeignBlock(0, address, 32)] };
            return new[] { At(older), At(newer), At(newer + 64) }.Select(s => CanonicalState.Hashes(0, s, heap, space, runner.Geometry)).ToArray();
        });
        Assert.Equal(3, hashes.Select(h => h.Item1).Distinct().Count());
        Assert.Equal(3, hashes.Select(h => h.Item2).Distinct().Count());
    }

    /// <summary>The canonical hashes (symmetric, handle order) of the state <paramref name="program"/> reaches from the first layout.</summary>
    private static (ulong Symmetric, ulong Ordered) HashAfter(params Operation[] program)
    {
        var runner = new CaseRunner(Geometry.Tiny, HeapVariant.RealPoolIndex);
        return Reached(runner, program, ExplorationLayouts.For(runner.Geometry)[0].Layout,
            (state, heap, space) => CanonicalState.Hashes(0, state, heap, space, runner.Geometry));
    }

    [Fact]
    public void Bad_depth_is_refused_and_cancellation_stops_early()
    {
        Assert.Throws<ArgumentException>(() => ExhaustiveExplorer.Run(Geometry.Tiny, HeapVariant.RealPoolIndex, -1));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        ExplorationResult r = ExhaustiveExplorer.Run(Geometry.Tiny, HeapVariant.RealPoolIndex, 5, cancelled.Token);
        Assert.True(r.Cancelled);
        Assert.Equal(0, r.DepthCompleted);
    }

    /// <summary>Cancellation inside a level: the run stops there, says which depth it completed, and counts what it checked.</summary>
    [Fact]
    public void Cancellation_inside_a_level_reports_the_depth_completed_and_the_cut()
    {
        using var cancel = new CancellationTokenSource();
        // Cancel once the third level is under way (progress comes every thousand transitions and after each level).
        var progress = new SynchronousProgress(p => { if (p.Depth == 3 && p.Transitions > 216) cancel.Cancel(); });
        ExplorationResult r = ExhaustiveExplorer.Run(Geometry.Tiny, HeapVariant.RealPoolIndex, 6, cancel.Token, progress, parallelism: 1);
        output.WriteLine(r.Summary());
        Assert.True(r.Cancelled);
        Assert.Equal(2, r.DepthCompleted);
        Assert.Contains("(depth 3 cut short)", r.Summary());
        Assert.True(r.States > r.Levels.Sum(l => l.NewStates), "the cut level's checked states are counted");
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this reports inline, in order.</summary>
    private sealed class SynchronousProgress(Action<ExplorationProgress> report) : IProgress<ExplorationProgress>
    {
        public void Report(ExplorationProgress value)
        {
            lock (this) report(value);
        }
    }
}
