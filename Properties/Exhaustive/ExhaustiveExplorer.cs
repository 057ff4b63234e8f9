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
/// Bounded exhaustive exploration on the simulated backend: every sequence of <see cref="ExplorationAlphabet"/> mutations
/// up to a depth, breadth-first from each root layout (<see cref="ExplorationLayouts"/>), with canonical-state
/// deduplication (<see cref="CanonicalState"/>) and, by default, handle symmetry (<see cref="ExplorationReductions"/>).
/// Every transition runs through <see cref="CaseRunner"/> — the model, memcheck, the every-garbage re-evaluation,
/// invariants — followed by every check query and the teardown, so every property is checked in every state reached.
/// A run re-executes its prefix on a fresh heap (the simulated space and the heap cannot be cloned); the prefix's
/// invariants are not re-audited, because the run that first reached the prefix's state audited every one of its steps
/// and the heap is deterministic (the model and memcheck still check the replay).
/// BFS makes the first counterexample a shortest one: a level is finished before the shortest failure in it is reported.
/// Cancellation is honoured inside a level (between transitions): the result then says which depth was completed.
/// </summary>
public static class ExhaustiveExplorer
{
    /// <param name="geometry">Usually <see cref="Geometry.Tiny"/>.</param>
    /// <param name="variant">The real allocator (either oracle), the differential pair, or a seeded bug.</param>
    /// <param name="depth">Mutations per sequence (the check queries come on top).</param>
    /// <param name="counterexampleDirectory">Where a counterexample is written; null = not written.</param>
    /// <param name="parallelism">Worker threads (runs of one level are independent; results merge in a fixed order).</param>
    /// <param name="reductions">Which sound reductions merge states (default: all).</param>
    public static ExplorationResult Run(Geometry geometry, HeapVariant variant, int depth,
        CancellationToken cancellation = default, IProgress<ExplorationProgress>? progress = null,
        string? counterexampleDirectory = null, int parallelism = 0, ExplorationReductions reductions = ExplorationReductions.All)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(variant);
        if (depth < 0) throw new ArgumentException($"depth must not be negative; got {depth}");
        if (parallelism <= 0) parallelism = Environment.ProcessorCount;

        var runner = new CaseRunner(geometry, variant, trackSituations: false);
        var explorer = new Exploration(runner, new ExplorationAlphabet(runner.Geometry), reductions);
        var layouts = ExplorationLayouts.For(runner.Geometry);
        var clock = Stopwatch.StartNew();
        var visited = new HashSet<ulong>();
        var visitedOrdered = new HashSet<ulong>(); // handle-order hashes: counts what symmetry merged
        var levels = new List<ExplorationLevel>();
        long states = 0, transitions = 0, queries = 0, merged = 0;
        int completed = 0;
        Found? best = null;

        void Admit(Probe p, List<Node> next)
        {
            transitions++;
            queries += p.Queries;
            if (p.Failure is { } f) { best = Shorter(best, f); return; }
            bool orderedNew = explorer.Symmetric && visitedOrdered.Add(p.OrderedHash);
            if (visited.Add(p.Hash)) { next.Add(p.Child!); states++; }
            else if (orderedNew) merged++;
        }

        // Level 0: the roots (an empty heap per layout) with their checks.
        var frontier = new List<Node>();
        foreach (Probe root in layouts.Select((l, i) => explorer.Evaluate(new Node(i, l.Layout, [], 0, 0))))
            Admit(root, frontier);
        levels.Add(new ExplorationLevel(0, frontier.Count, transitions, clock.Elapsed));

        bool cancelled = false;
        for (int level = 0; level < depth && best is null && frontier.Count > 0; level++)
        {
            var work = frontier.SelectMany(node => explorer.Alphabet.Mutations(node.Blocks, node.Foreign).Select(m => (node, m))).ToArray();
            var results = new Probe?[work.Length];
            long done = 0;
            try
            {
                Parallel.For(0, work.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellation }, i =>
                {
                    var (node, m) = work[i];
                    results[i] = explorer.Evaluate(node with { Operations = node.Operations.Add(m) });
                    long n = Interlocked.Increment(ref done);
                    if (n % 1024 == 0) progress?.Report(new ExplorationProgress(level + 1, states, transitions + n, clock.Elapsed));
                });
            }
            catch (OperationCanceledException)
            {
                // The level was cut short: its finished transitions were checked, but the level is not complete.
                cancelled = true;
                var unexpanded = new List<Node>();
                foreach (Probe? r in results)
                    if (r is not null) Admit(r, unexpanded);
                break;
            }
            var next = new List<Node>();
            foreach (Probe? r in results) Admit(r!, next); // in a fixed order: the same representatives on every run
            frontier = next;
            completed = level + 1;
            levels.Add(new ExplorationLevel(completed, next.Count, transitions, clock.Elapsed));
            progress?.Report(new ExplorationProgress(completed, states, transitions, clock.Elapsed));
        }

        Counterexample? counterexample = null;
        string? path = null;
        if (best is { } found)
        {
            counterexample = PropertyCampaign.ToCounterexample(runner, found.Case, found.Outcome, replaySeed: null,
                $"found by bounded exhaustive exploration (BFS, layout '{layouts[found.Layout].Name}'): a shortest counterexample");
            if (counterexampleDirectory is not null)
            {
                path = Path.Combine(counterexampleDirectory,
                    $"explore-{Sanitize(variant.Name)}-{runner.Geometry.Name}-{variant.Oracle}-{found.Case.Length}ops.json");
                CounterexampleFile.Write(path, counterexample);
            }
        }
        return new ExplorationResult(runner.Geometry.Name, $"{variant.Name}/{variant.Oracle}", depth, completed, states, transitions,
            queries, clock.Elapsed, counterexample, path, cancelled)
        {
            Reductions = reductions,
            MergedBySymmetry = merged,
            Levels = [.. levels],
        };
    }

    /// <summary>A state to expand: its layout, the mutations that reach it, and its live and foreign block counts.</summary>
    private sealed record Node(int Layout, SimulatedLayout Placement, ImmutableArray<Operation> Operations, int Blocks, int Foreign);

    /// <summary>A failure, minimised to its prefix plus the failing operation.</summary>
    private sealed record Found(int Layout, TestCase Case, RunOutcome Outcome);

    /// <summary>What one run found: the canonical hashes and the child state, or a failure; and the queries it asked.</summary>
    private sealed record Probe(ulong Hash, ulong OrderedHash, Node? Child, Found? Failure, int Queries);

    /// <summary>One exploration's fixed parts: the runner, the alphabet and the reductions.</summary>
    private sealed class Exploration(CaseRunner runner, ExplorationAlphabet alphabet, ExplorationReductions reductions)
    {
        public ExplorationAlphabet Alphabet => alphabet;
        public bool Symmetric => (reductions & ExplorationReductions.HandleSymmetry) != 0;

        private Operation Teardown(ModelState state) => CanonicalState.NextTeardownStep(state, runner.Geometry);

        /// <summary>Runs the node's mutations, then every check, then the teardown; hashes the state the mutations reached.</summary>
        public Probe Evaluate(Node node)
        {
            ImmutableArray<Operation> ops = node.Operations;
            (int expectBlocks, int expectForeign) = ops.IsEmpty ? (node.Blocks, node.Foreign)
                : ExplorationAlphabet.CountsAfter(ops[^1], node.Blocks, node.Foreign);
            return Evaluate(node, expectBlocks, expectForeign);
        }

        private Probe Evaluate(Node node, int expectBlocks, int expectForeign)
        {
            ImmutableArray<Operation> ops = node.Operations;
            ImmutableArray<Operation> checks = alphabet.ChecksFor(expectBlocks, expectForeign);
            var testCase = new TestCase(ops.AddRange(checks), [0]) { Layout = node.Placement };
            ulong hash = 0, ordered = 0;
            int blocks = 0, foreign = 0;
            RunOutcome outcome = runner.Run(testCase, ops.Length, (state, heap, backend) =>
            {
                SimulatedAddressSpace space = ((SimulatedCaseBackend)backend).Space;
                hash = CanonicalState.Hash(node.Layout, state, heap, space, runner.Geometry, Symmetric);
                ordered = Symmetric ? CanonicalState.Hash(node.Layout, state, heap, space, runner.Geometry, symmetric: false) : hash;
                (blocks, foreign) = (state.Blocks.Count, state.Foreign.Count);
            }, auditFrom: Math.Max(0, ops.Length - 1), teardownOrder: Teardown);
            if (outcome.Failure is not { } failure)
            {
                // A mutation whose effect on the counts differs from the usual one (none in the alphabet does on
                // success) is run again with the checks of the state it really reached, so every handle is queried.
                if ((blocks, foreign) != (expectBlocks, expectForeign)) return Evaluate(node, blocks, foreign);
                return new Probe(hash, ordered, node with { Blocks = blocks, Foreign = foreign }, null, checks.Length);
            }
            Found found = Minimise(node, ops, checks, failure.Step, testCase, outcome, expectBlocks + expectForeign);
            return new Probe(hash, ordered, null, found, checks.Length);
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
