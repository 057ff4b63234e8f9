using PymallocVerify.Allocator;

namespace PymallocVerify.Cli.Families.Smoke;

/// <summary>The heap's tables at the end of the workload, before teardown (what <c>stats</c> prints).</summary>
/// <param name="OracleStats">The oracle's own line of stats (the radix tree's node counts), if it keeps any.</param>
public sealed record HeapSnapshot(HeapStats Stats, ArenaObject[] ArenaTable, int LiveBlocks, string? OracleStats);

/// <summary>How a smoke run went: operations executed and, if it failed, where and why.</summary>
public sealed record SmokeRunResult(long Operations, int? FailedStep, string? FailedOperation, string? Message,
                                    HeapSnapshot? Snapshot)
{
    public bool Failed => FailedStep is not null;

    /// <summary>"step 12 Free(#3): …": the failure as one line.</summary>
    public string Describe() => Failed ? $"step {FailedStep} {FailedOperation}: {Message}" : "holds";
}
