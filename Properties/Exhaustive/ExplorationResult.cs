using System.Collections.Immutable;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Exhaustive;

/// <summary>Progress of a running exploration (reported after each level and every thousand transitions).</summary>
public sealed record ExplorationProgress(int Depth, long States, long Transitions, TimeSpan Elapsed);

/// <summary>One completed level: its depth, the new states it added, and the totals when it finished.</summary>
public sealed record ExplorationLevel(int Depth, long NewStates, long Transitions, TimeSpan Elapsed);

/// <summary>
/// The outcome of <see cref="ExhaustiveExplorer.Run"/>: how many distinct canonical states were reached and checked, how
/// many transitions were executed (each one a run of the prefix and the new operation; the first to reach a new state
/// also runs every check query and the teardown, counted in <see cref="QueriesChecked"/>),
/// the depth completed, and the first failure as a shortest counterexample (BFS), written like any other.
/// <see cref="Cancelled"/>: the level after <see cref="DepthCompleted"/> was started and cut short (its finished
/// transitions were checked and are counted).
/// </summary>
public sealed record ExplorationResult(
    string Geometry,
    string Variant,
    int RequestedDepth,
    int DepthCompleted,
    long States,
    long Transitions,
    long QueriesChecked,
    TimeSpan Elapsed,
    Counterexample? Counterexample,
    string? CounterexamplePath,
    bool Cancelled)
{
    public bool Passed => Counterexample is null;

    public ExplorationReductions Reductions { get; init; }

    /// <summary>
    /// New states the handle-order hash would have kept apart but handle symmetry merged into one already explored: each
    /// would have been a state of its own (and the root of its own subtree) without the reduction.
    /// </summary>
    public long MergedBySymmetry { get; init; }

    /// <summary>
    /// (states + states merged by symmetry) ÷ states: how many states the same levels would have held without the
    /// reduction, counting only the merged states themselves — a lower bound, since each merged state's own successors
    /// are not counted (the measured factor at a fixed depth is in docs/properties.md).
    /// </summary>
    public double ReductionFactor => States > 0 ? (double)(States + MergedBySymmetry) / States : 1;

    /// <summary>Transitions that reached a state already explored (a failure-free duplicate): each stopped after its own
    /// mutation, without the checks; their prefix replay is what a partial-order reduction could at most save on top of
    /// state hashing.</summary>
    public long DuplicateTransitions => Math.Max(0, Transitions - States);

    public ImmutableArray<ExplorationLevel> Levels { get; init; } = [];

    /// <summary>Operations in the counterexample (the implicit teardown not counted).</summary>
    public int? CounterexampleLength => Counterexample?.Operations.Length;

    public double StatesPerSecond => Elapsed.TotalSeconds > 0 ? States / Elapsed.TotalSeconds : 0;

    public string Summary() =>
        $"{Variant} on {Geometry}: depth {DepthCompleted}/{RequestedDepth}" + (Cancelled ? $" (depth {DepthCompleted + 1} cut short)" : "") +
        $", {States} states, {Transitions} transitions, {QueriesChecked} checked queries in {Elapsed.TotalSeconds:F1} s " +
        $"({StatesPerSecond:F0} states/s, {(Elapsed.TotalSeconds > 0 ? Transitions / Elapsed.TotalSeconds : 0):F0} transitions/s), " +
        $"reductions {Reductions}: {MergedBySymmetry} states merged by symmetry (factor ≥ {ReductionFactor:F2})" +
        (Counterexample is { } c ? $"; FAILED with a {c.Operations.Length}-operation counterexample: {c.Failure?.Message}" : "; no failure");
}
