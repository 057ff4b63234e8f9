namespace PymallocVerify.Cli.Campaign;

/// <summary>What one case checked and, if it failed, the failure (with its counterexample file).</summary>
/// <param name="Completed">False when the case was cut short (a family whose single case can outgrow the budget, such
/// as an exhaustive exploration, stops it at the deadline); the stream then ends and the report marks the case.</param>
public sealed record CaseOutcome(long Operations, StreamFailure? Failure, bool Completed = true);
