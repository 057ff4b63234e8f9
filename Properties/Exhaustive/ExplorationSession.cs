using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Diagnostics;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Exhaustive;

/// <summary>
/// One breadth-first exploration (<see cref="ExhaustiveExplorer"/>) kept between calls: <see cref="Deepen"/> explores the
/// levels not yet explored, so exploring to depth k and then to k + 1 runs each level once and reaches the same states,
/// in the same order, as exploring to k + 1 from scratch (the levels are merged in a fixed order). A session stops being
/// deepenable once a level was cut short or a failure was found (<see cref="CanDeepen"/>): the cut level's states are
/// counted but not queued.
/// </summary>
public sealed class ExplorationSession
{
    private readonly string _variantName;
    private readonly string? _counterexampleDirectory;
    private readonly int _parallelism;
    private readonly ExplorationReductions _reductions;
    private readonly CaseRunner _runner;
    private readonly Exploration _explorer;
    private readonly IReadOnlyList<(string Name, SimulatedLayout Layout)> _layouts;
    private readonly HeapVariant _variant;
    private readonly Stopwatch _clock = new();
    private readonly HashSet<ulong> _visited = [];
    private readonly HashSet<ulong> _visitedOrdered = []; // handle-order hashes: counts what symmetry merged
    private readonly List<ExplorationLevel> _levels = [];
    private List<Node>? _frontier;
    private long _states, _transitions, _queries, _merged, _recorded;
    private int _completed;
    private bool _cut;
    private Found? _best;

    /// <param name="geometry">Usually <see cref="Geometry.Tiny"/>.</param>
    /// <param name="variant">The real allocator (either oracle), the differential pair, or a seeded bug.</param>
    /// <param name="counterexampleDirectory">Where a counterexample is written; null = not written.</param>
    /// <param name="parallelism">Worker threads (runs of one level are independent; results merge in a fixed order).</param>
    /// <param name="reductions">Which sound reductions merge states (default: all).</param>
    public ExplorationSession(Geometry geometry, HeapVariant variant, string? counterexampleDirectory = null, int parallelism = 0,
        ExplorationReductions reductions = ExplorationReductions.All)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(variant);
        _variant = variant;
        _variantName = variant.Name;
        _counterexampleDirectory = counterexampleDirectory;
        _parallelism = parallelism <= 0 ? Environment.ProcessorCount : parallelism;
        _reductions = reductions;
        _runner = new CaseRunner(geometry, variant, trackSituations: false);
        _explorer = new Exploration(_runner, new ExplorationAlphabet(_runner.Geometry), reductions);
        _layouts = ExplorationLayouts.For(_runner.Geometry);
    }

    /// <summary>Workers take a level's transitions last first instead of first to last. The result must not depend on the
    /// order: this one makes a later transition reach every repeated state before its earliest one, which a test uses to
    /// show that the earliest still checks it and represents it.</summary>
    public bool TransitionsLastFirst { get; init; }

    /// <summary>
    /// How many explored states keep the model state their run reached, so that a transition from one of them, or from a
    /// descendant, replays that step instead of stepping the model again (<see cref="CaseRunner.Run"/>'s
    /// <c>replayed</c>: in the same time an exploration checks 15–40% more states). Each costs ~1 KB for as long as the
    /// exploration lives; the states admitted after the limit step the model on replay, as every state did before. What
    /// is explored does not depend on it (tested). Default: an eighth of the memory the GC may use, at 1 KB a state.
    /// </summary>
    public long RecordedStatesLimit { get; init; } = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / 8 / 1024;

    /// <summary>The levels explored so far (0 before the first <see cref="Deepen"/>).</summary>
    public int DepthCompleted => _completed;

    /// <summary>Distinct states checked so far.</summary>
    public long States => _states;

    /// <summary>False once a level was cut short or a failure was found: deepen a new session instead.</summary>
    public bool CanDeepen => !_cut && _best is null;

    /// <summary>Explores the levels up to <paramref name="depth"/> that are not explored yet; the result covers the whole
    /// session (every level so far, time included).</summary>
    public ExplorationResult Deepen(int depth, CancellationToken cancellation = default, IProgress<ExplorationProgress>? progress = null)
    {
        if (depth < 0) throw new ArgumentException($"depth must not be negative; got {depth}");
        if (!CanDeepen) throw new InvalidOperationException("this exploration was cut short or failed; start a new session");
        _clock.Start();
        try
        {
            Explore(depth, cancellation, progress);
        }
        finally
        {
            _clock.Stop();
        }
        return Result(depth);
    }

    /// <summary>
    /// Merges one level's probes in their fixed order, so the same transition represents each state on every run: the
    /// first to reach it, which is also the one that checked it (<see cref="LevelClaims"/>).
    /// </summary>
    private void Admit(IEnumerable<Probe?> probes, List<Node> next)
    {
        foreach (Probe? started in probes)
        {
            if (started is not { } p) continue; // a transition the cancellation never started
            _transitions++;
            if (!p.Reached) { _best = Shorter(_best, p.Failure!); continue; } // failed in its own mutation
            bool orderedNew = _explorer.Symmetric && _visitedOrdered.Add(p.OrderedHash);
            if (!_visited.Add(p.Hash))
            {
                if (orderedNew) _merged++;
                continue;
            }
            if (!p.Checked) throw new InvalidOperationException($"explorer bug: state {p.Hash:x16} was admitted without its checks");
            if (p.Failure is { } f) { _best = Shorter(_best, f); continue; }
            // The merge runs in the level's fixed order, so which states keep theirs does not depend on the scheduling.
            next.Add(_recorded++ < RecordedStatesLimit ? p.Child! : p.Child! with { State = null });
            _states++;
            _queries += p.Queries;
        }
    }

    private void Explore(int depth, CancellationToken cancellation, IProgress<ExplorationProgress>? progress)
    {
        if (_frontier is null)
        {
            // Level 0: the roots (an empty heap per layout) with their checks.
            _frontier = [];
            Admit([.. _layouts.Select((l, i) => _explorer.Evaluate(new Node(i, l.Layout, [], 0, 0, State: null, Parent: null), claim: null))], _frontier);
            _levels.Add(new ExplorationLevel(0, _frontier.Count, _transitions, _clock.Elapsed));
        }
        for (int level = _completed; level < depth && _best is null && _frontier.Count > 0; level++)
        {
            var work = _frontier.SelectMany(node => _explorer.Alphabet.Mutations(node.Blocks, node.Foreign).Select(m => (node, m))).ToArray();
            var results = new Probe?[work.Length];
            var claims = new LevelClaims(_visited);
            long done = 0;
            long statesBefore = _states, transitionsBefore = _transitions;
            try
            {
                // Workers take the transitions one at a time, in order, so a state's earliest transition is nearly always the
                // first to reach it and the others need not check it again (LevelClaims).
                IEnumerable<int> order = TransitionsLastFirst ? Enumerable.Range(0, work.Length).Reverse() : Enumerable.Range(0, work.Length);
                var inOrder = Partitioner.Create(order, EnumerablePartitionerOptions.NoBuffering);
                Parallel.ForEach(inOrder, new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellation }, i =>
                {
                    var (node, m) = work[i];
                    results[i] = _explorer.Evaluate(node with { Operations = node.Operations.Add(m), State = null, Parent = node }, (claims, i));
                    long n = Interlocked.Increment(ref done);
                    if (n % 1024 == 0) progress?.Report(new ExplorationProgress(level + 1, statesBefore, transitionsBefore + n, _clock.Elapsed));
                });
            }
            catch (OperationCanceledException)
            {
                // The level was cut short: its finished transitions were checked and are counted, the level is not complete.
                _cut = true;
                Admit(results, []);
                return;
            }
            var next = new List<Node>();
            Admit(results, next);
            _frontier = next;
            _completed = level + 1;
            _levels.Add(new ExplorationLevel(_completed, next.Count, _transitions, _clock.Elapsed));
            progress?.Report(new ExplorationProgress(_completed, _states, _transitions, _clock.Elapsed));
        }
    }

    private ExplorationResult Result(int depth)
    {
        Counterexample? counterexample = null;
        string? path = null;
        if (_best is { } found)
        {
            counterexample = PropertyCampaign.ToCounterexample(_runner, found.Case, found.Outcome, replaySeed: null,
                $"found by bounded exhaustive exploration (BFS, layout '{_layouts[found.Layout].Name}'): a shortest counterexample");
            if (_counterexampleDirectory is not null)
            {
                path = Path.Combine(_counterexampleDirectory,
                    $"explore-{Sanitize(_variantName)}-{_runner.Geometry.Name}-{_variant.Oracle}-{found.Case.Length}ops.json");
                CounterexampleFile.Write(path, counterexample);
            }
        }
        return new ExplorationResult(_runner.Geometry.Name, $"{_variant.Name}/{_variant.Oracle}", depth, _completed, _states, _transitions,
            _queries, _clock.Elapsed, counterexample, path, _cut)
        {
            Reductions = _reductions,
            MergedBySymmetry = _merged,
            Levels = [.. _levels],
        };
    }

    /// <summary>A state to expand: its layout, the mutations that reach it, its live and foreign block counts, its parent,
    /// and the model state its checked run reached (null if not recorded, <see cref="RecordedStatesLimit"/>).</summary>
    private sealed record Node(int Layout, SimulatedLayout Placement, ImmutableArray<Operation> Operations, int Blocks, int Foreign,
        ModelState? State, Node? Parent)
    {
        /// <summary>The prefix a run of this node replays — every operation but its last, which reaches a state not yet
        /// checked — with the model state recorded after each: its ancestors' but the root's.</summary>
        public ModelState?[] ReplayedPrefix()
        {
            var states = new ModelState?[Math.Max(0, Operations.Length - 1)];
            Node? ancestor = Parent;
            for (int i = states.Length - 1; i >= 0; i--, ancestor = ancestor.Parent)
                states[i] = ancestor!.State;
            return states;
        }
    }

    /// <summary>A failure, minimised to its prefix plus the failing operation.</summary>
    private sealed record Found(int Layout, TestCase Case, RunOutcome Outcome);

    /// <summary>What one run found: whether it reached the state after its mutations (else its failure is the mutation's),
    /// the canonical hashes there; whether it went on to that state's checks and teardown (<see cref="LevelClaims"/>),
    /// what they found, and the queries they asked; the child state to expand when they passed.</summary>
    /// <remarks>A struct: a level holds one per transition until its merge, most of them for transitions that stopped, and
    /// as objects they were a large share of what each collection during the level had to keep.</remarks>
    private readonly record struct Probe(bool Reached, ulong Hash, ulong OrderedHash, Node? Child, Found? Failure, bool Checked, int Queries);

    /// <summary>
    /// Which transitions of a level check the state they reach: those that get there before any transition earlier in the
    /// level's order, if no earlier level explored it. The earliest always checks, so the merge's representative of every
    /// new state was checked, whatever the scheduling. The others stop once their own mutation is checked (model,
    /// memcheck, invariants): equal canonical states get the same checks and teardown (<see cref="CanonicalState"/>, the
    /// argument that lets them share one subtree), so checking one of them checks all. A later transition that got there
    /// first checks the state again: wasted work, rare since workers take transitions in order.
    /// </summary>
    private sealed class LevelClaims(HashSet<ulong> explored)
    {
        private readonly ConcurrentDictionary<ulong, int> _earliest = new();

        /// <summary>Whether transition <paramref name="index"/> checks the state <paramref name="hash"/>. Reads
        /// <c>explored</c> while nothing writes it: the merge runs after the level's transitions.</summary>
        public bool Checks(ulong hash, int index) =>
            !explored.Contains(hash) && _earliest.AddOrUpdate(hash, index, (_, earlier) => Math.Min(earlier, index)) == index;
    }

    /// <summary>One exploration's fixed parts: the runner, the alphabet and the reductions.</summary>
    private sealed class Exploration(CaseRunner runner, ExplorationAlphabet alphabet, ExplorationReductions reductions)
    {
        public ExplorationAlphabet Alphabet => alphabet;
        public bool Symmetric => (reductions & ExplorationReductions.HandleSymmetry) != 0;

        private Operation Teardown(ModelState state) => CanonicalState.NextTeardownStep(state, runner.Geometry);

        /// <summary>Runs the node's mutations and hashes the state they reached; then every check and the teardown, unless
        /// <paramref name="claim"/> says another transition checks that state (null: always check).</summary>
        public Probe Evaluate(Node node, (LevelClaims Claims, int Index)? claim)
        {
            ImmutableArray<Operation> ops = node.Operations;
            (int expectBlocks, int expectForeign) = ops.IsEmpty ? (node.Blocks, node.Foreign)
                : ExplorationAlphabet.CountsAfter(ops[^1], node.Blocks, node.Foreign);
            return Evaluate(node, claim, expectBlocks, expectForeign);
        }

        private Probe Evaluate(Node node, (LevelClaims Claims, int Index)? claim, int expectBlocks, int expectForeign)
        {
            ImmutableArray<Operation> ops = node.Operations;
            ImmutableArray<Operation> checks = alphabet.ChecksFor(expectBlocks, expectForeign);
            var testCase = new TestCase(ops.AddRange(checks), [0]) { Layout = node.Placement };
            ulong hash = 0, ordered = 0;
            int blocks = 0, foreign = 0;
            ModelState? reachedState = null;
            bool reached = false, check = true;
            RunOutcome outcome = runner.Run(testCase, ops.Length, (state, heap, backend) =>
            {
                SimulatedAddressSpace space = ((SimulatedCaseBackend)backend).Space;
                (ulong symmetric, ordered) = CanonicalState.Hashes(node.Layout, state, heap, space, runner.Geometry);
                hash = Symmetric ? symmetric : ordered;
                (blocks, foreign) = (state.Blocks.Count, state.Foreign.Count);
                reachedState = state;
                reached = true;
                check = claim is not { } c || c.Claims.Checks(hash, c.Index);
                return check;
            }, replayed: node.ReplayedPrefix(), teardownOrder: Teardown);
            if (outcome.Failure is not { } failure)
            {
                // A transition that stopped keeps no child: only a checked one can be a new state (most stop, and a level's
                // probes are all held until its merge).
                if (!check) return new Probe(reached, hash, ordered, null, null, Checked: false, Queries: 0);
                // A mutation whose effect on the counts differs from the usual one (none in the alphabet does on
                // success) is run again with the checks of the state it really reached, so every handle is queried.
                if ((blocks, foreign) != (expectBlocks, expectForeign)) return Evaluate(node, claim, blocks, foreign);
                return new Probe(reached, hash, ordered, node with { Blocks = blocks, Foreign = foreign, State = reachedState }, null, Checked: true, checks.Length);
            }
            Found found = Minimise(node, ops, checks, failure.Step, testCase, outcome, expectBlocks + expectForeign);
            return new Probe(reached, hash, ordered, null, found, Checked: reached, checks.Length);
        }

        /// <summary>
        /// The shortest form of a failing run: the failing mutation ends the case; a failing check runs alone after the
        /// mutations (checks change nothing), if that still fails; a teardown failure needs the mutations only if the
        /// runner's own teardown (handle order) still fails, else the explorer's teardown frees are written out.
        /// </summary>
        private Found Minimise(Node node, ImmutableArray<Operation> ops, ImmutableArray<Operation> checks, int step,
            TestCase full, RunOutcome outcome, int teardownFrees)
        {
            if (step < full.Length)
            {
                TestCase shorter = step < ops.Length ? full with { Operations = ops[..(step + 1)] }
                    : full with { Operations = ops.Add(checks[step - ops.Length]) };
                RunOutcome again = runner.Run(shorter);
                return again.Failed ? new Found(node.Layout, shorter, again) : new Found(node.Layout, full, outcome);
            }
            ImmutableArray<Operation> frees = [.. outcome.Trace.Where(t => t.Teardown).Take(teardownFrees).Select(t => t.Operation)];
            foreach (ImmutableArray<Operation> candidate in new[] { ops, ops.AddRange(frees), full.Operations.AddRange(frees) })
            {
                TestCase written = full with { Operations = candidate };
                RunOutcome again = runner.Run(written);
                if (again.Failed) return new Found(node.Layout, written, again);
            }
            return new Found(node.Layout, full, outcome);
        }
    }

    private static Found Shorter(Found? best, Found f) => best is null || f.Case.Length < best.Case.Length ? f : best;

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'));
}
