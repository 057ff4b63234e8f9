namespace PymallocVerify.Cli.Campaign;

/// <summary>One case of a family's deterministic case list: its global index and the seed derived for it.</summary>
public readonly record struct CaseSpec(long Index, ulong Seed);
