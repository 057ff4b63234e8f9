using PymallocVerify.Model.Linearizability;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>The result of one iteration: pass, or a failure with the history that shows it.</summary>
public sealed record IterationOutcome(
    FailureKind? Failure,
    string Summary,
    IReadOnlyList<TimedCall<HeapCall>> History,
    string Explanation)
{
    public bool Failed => Failure is not null;

    /// <summary>The access-interleaving cells the iteration met (<see cref="SharedAccessLog.Interleavings"/>).</summary>
    public IReadOnlySet<string> Interleavings { get; init; } = new HashSet<string>();

    public static IterationOutcome Pass(IReadOnlyList<TimedCall<HeapCall>> history) => new(null, "linearizable", history, "");

    /// <summary>The failing history printed readably, with why it fails.</summary>
    public string Report() =>
        $"{Failure}: {Summary}{Environment.NewLine}{HistoryPrinter.Format(History)}" +
        (Explanation.Length > 0 ? $"{Environment.NewLine}{Explanation}" : "");
}
