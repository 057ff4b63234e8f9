namespace PymallocVerify.Cli.Campaign;

/// <summary>What one case checked and, if it failed, the failure (with its counterexample file).</summary>
public sealed record CaseOutcome(long Operations, FailureRecord? Failure);
