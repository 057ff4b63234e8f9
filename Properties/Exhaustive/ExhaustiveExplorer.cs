using System.Collections.Immutable;
using System.Diagnostics;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Exhaustive;

/// <summary>
/// Bounded exhaustive exploration on the simulated backend: every sequence of <see cref="ExplorationAlphabet"/> mutations
/// up to a depth, breadth-first from each root layout (<see cref="ExplorationLayouts"/>), with canonical-state
/// deduplication (<see cref="CanonicalState"/>). Every transition runs through <see cref="CaseRunner"/> — the model,
/// memcheck, the every-garbage re-evaluation, invariants — followed by every check query and the teardown, so every
/// property is checked in every state reached. A run re-executes its prefix on a fresh heap (the simulated space and the
/// heap cannot be cloned; a fresh Tiny heap plus a few operations costs microseconds).
/// BFS makes the first counterexample a shortest one: a level is finished before the shortest failure in it is reported.
/// </summary>
public static class ExhaustiveExplorer
{
    /// <param name="geometry">Usually <see cref="Geometry.Tiny"/>.</param>
    /// <param name="variant">The real allocator (either oracle), the differential pair, or a seeded bug.</param>
    /// <param name="depth">Mutations per sequence (the check queries come on top).</param>
    /// <param name="counterexampleDirectory">Where a counterexample is written; null = not written.</param>
    /// <param name="parallelism">Worker threads (runs of one level are independent; results merge in a fixed order).</param>
    public static ExplorationResult Run(Geometry geometry, HeapVariant variant, int depth,
        CancellationToken cancellation = default, IProgress<ExplorationProgress>? progress = null,
        string? counterexampleDirectory = null, int parallelism = 0)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(variant);
        if (depth < 0) throw new ArgumentException($"depth must not be negative; got {depth}");
        if (parallelism <= 0) parallelism = Environment.ProcessorCount;

        var runner = new CaseRunner(geometry, variant);
        var alphabet = new ExplorationAlphabet(runner.Geometry);
        var layouts = ExplorationLayouts.For(runner.Geometry);
        var clock = Stopwatch.StartNew();
        var visited = new HashSet<ulong>();
        long states = 0, transitions = 0, queries = 0;
        int completed = 0;
        Found? best = null;

        // Level 0: the roots (an empty heap per layout) with their checks.
        var frontier = new List<Node>();
        Probe[] roots = layouts.Select((l, i) => Evaluate(runner, alphabet, new Node(i, l.Layout, [], 0, 0))).ToArray();
        foreach (Probe root in roots)
        {
            transitions++;
            queries += alphabet.Checks.Length;
            if (root.Failure is { } f) best = Shorter(best, f);
            else if (visited.Add(root.Hash)) { frontier.Add(root.Child!); states++; }
        }

        bool cancelled = false;
        for (int level = 0; level < depth && best is null && frontier.Count > 0; level++)
        {
            var work = frontier.SelectMany(node => alphabet.Mutations(node.Blocks, node.Foreign).Select(m => (node, m))).ToArray();
            var results = new Probe?[work.Length];
            long done = 0;
            try
            {
                Parallel.For(0, work.Length, new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellation }, i =>
                {
                    var (node, m) = work[i];
                    results[i] = Evaluate(runner, alphabet, node with { Operations = node.Operations.Add(m) });
                    long n = Interlocked.Increment(ref done);
                    if (n % 4096 == 0) progress?.Report(new ExplorationProgress(level + 1, states, transitions + n, clock.Elapsed));
                });
            }
            catch (OperationCanceledException)
            {
                cancelled = true;
                break;
            }
            var next = new List<Node>();
            foreach (Probe? r in results) // in a fixed order: the same representatives on every run
            {
                transitions++;
                queries += alphabet.Checks.Length;
                if (r!.Failure is { } f) best = Shorter(best, f);
                else if (visited.Add(r.Hash)) { next.Add(r.Child!); states++; }
            }
            frontier = next;
            completed = level + 1;
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
            queries, clock.Elapsed, counterexample, path, cancelled);
    }

    /// <summary>A state to expand: its layout, the mutations that reach it, and its live and foreign block counts.</summary>
    private sealed record Node(int Layout, SimulatedLayout Placement, ImmutableArray<Operation> Operations, int Blocks, int Foreign);

    /// <summary>A failure, minimised to its prefix plus the failing operation.</summary>
    private sealed record Found(int Layout, TestCase Case, RunOutcome Outcome);

    /// <summary>What one run found: the canonical hash and the child state, or a failure.</summary>
    private sealed record Probe(ulong Hash, Node? Child, Found? Failure);

    /// <summary>Runs the node's mutations, then every check, then the teardown; hashes the state the mutations reached.</summary>
    private static Probe Evaluate(CaseRunner runner, ExplorationAlphabet alphabet, Node node)
    {
        ImmutableArray<Operation> ops = node.Operations;
        var testCase = new TestCase(ops.AddRange(alphabet.Checks), [0]) { Layout = node.Placement };
        ulong hash = 0;
        int blocks = 0, foreign = 0;
        RunOutcome outcome = runner.Run(testCase, ops.Length, (state, heap, backend) =>
        {
            hash = CanonicalState.Hash(node.Layout, state, heap, ((SimulatedCaseBackend)backend).Space, runner.Geometry);
            (blocks, foreign) = (state.Blocks.Count, state.Foreign.Count);
        });
        if (outcome.Failure is not { } failure) return new Probe(hash, node with { Blocks = blocks, Foreign = foreign }, null);
        return new Probe(hash, null, Minimise(runner, node, ops, alphabet.Checks, failure.Step, testCase, outcome));
    }

    /// <summary>
    /// The shortest form of a failing run: the failing mutation ends the case; a failing check runs alone after the
    /// mutations (checks change nothing), if that still fails; a teardown failure needs the mutations only.
    /// </summary>
    private static Found Minimise(CaseRunner runner, Node node, ImmutableArray<Operation> ops, ImmutableArray<Operation> checks,
        int step, TestCase full, RunOutcome outcome)
    {
        TestCase candidate = step < ops.Length ? full with { Operations = ops[..(step + 1)] }
            : step < full.Length ? full with { Operations = ops.Add(checks[step - ops.Length]) }
            : full with { Operations = ops };
        RunOutcome again = runner.Run(candidate);
        return again.Failed ? new Found(node.Layout, candidate, again) : new Found(node.Layout, full, outcome);
    }

    private static Found Shorter(Found? best, Found f) => best is null || f.Case.Length < best.Case.Length ? f : best;

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'));
}
