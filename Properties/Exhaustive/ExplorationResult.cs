using PymallocVerify.Model;

namespace PymallocVerify.Properties.Exhaustive;

/// <summary>Progress of a running exploration (reported after each level and every few thousand transitions).</summary>
public sealed record ExplorationProgress(int Depth, long States, long Transitions, TimeSpan Elapsed);

/// <summary>
/// The outcome of <see cref="ExhaustiveExplorer.Run"/>: how many distinct canonical states were reached and checked, how
/// many transitions were executed (each one a run of the prefix, the new operation, every check query and the teardown),
/// the depth completed, and the first failure as a shortest counterexample (BFS), written like any other.
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

    /// <summary>Operations in the counterexample (the implicit teardown not counted).</summary>
    public int? CounterexampleLength => Counterexample?.Operations.Length;

    public double StatesPerSecond => Elapsed.TotalSeconds > 0 ? States / Elapsed.TotalSeconds : 0;

    public string Summary() =>
        $"{Variant} on {Geometry}: depth {DepthCompleted}/{RequestedDepth}, {States} states, {Transitions} transitions, " +
        $"{QueriesChecked} checked queries in {Elapsed.TotalSeconds:F1} s ({StatesPerSecond:F0} states/s, " +
        $"{(Elapsed.TotalSeconds > 0 ? Transitions / Elapsed.TotalSeconds : 0):F0} transitions/s)" +
        (Cancelled ? " (stopped early)" : "") +
        (Counterexample is { } c ? $"; FAILED with a {c.Operations.Length}-operation counterexample: {c.Failure?.Message}" : "; no failure");
}
