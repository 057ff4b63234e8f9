namespace PymallocVerify.Cli.Campaign;

/// <summary>A case that ran: the report lists exactly these, so two runs can be compared case by case.</summary>
/// <param name="Completed">False for a case stopped at the deadline before it finished (see <see cref="CaseOutcome"/>).</param>
/// <param name="Detail">See <see cref="CaseOutcome.Detail"/>.</param>
public sealed record CaseRecord(long Index, ulong Seed, long Operations, bool Passed, bool Completed = true, string? Detail = null);
