namespace PymallocVerify.Cli.Campaign;

/// <summary>What one case checked and, if it failed, the failure (with its counterexample file).</summary>
/// <param name="Completed">False when the case was cut short (a family whose single case can outgrow the budget, such
/// as an exhaustive exploration, stops it at the deadline); the stream then ends and the report marks the case.</param>
/// <param name="Detail">What the case reached, when its count alone does not say it (the exhaustive family: "depth 5/6
/// (depth 6 cut short), 49,641 states, …"): kept in report.json, and the last case's shown under the summary.</param>
public sealed record CaseOutcome(long Operations, StreamFailure? Failure, bool Completed = true, string? Detail = null);
