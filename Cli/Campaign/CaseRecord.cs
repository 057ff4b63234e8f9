namespace PymallocVerify.Cli.Campaign;

/// <summary>A case that ran: the report lists exactly these, so two runs can be compared case by case.</summary>
public sealed record CaseRecord(long Index, ulong Seed, long Operations, bool Passed);
