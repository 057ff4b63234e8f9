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
    public string Report() => FailureText(Failure, Summary, HistoryPrinter.Lines(History), Explanation);

    /// <summary>
    /// The one wording of a failure: a saved counterexample prints its recorded failure with it too, so a replay can
    /// tell whether the failure came back word for word.
    /// </summary>
    public static string FailureText(FailureKind? failure, string summary, IEnumerable<string> historyLines, string explanation) =>
        $"{failure}: {summary}{Environment.NewLine}{string.Join(Environment.NewLine, historyLines)}" +
        (explanation.Length > 0 ? $"{Environment.NewLine}{explanation}" : "");
}
