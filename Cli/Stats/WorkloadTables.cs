using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.Cli.Stats;

/// <summary>The heap's tables at the end of a workload, before the teardown frees every block (what <c>stats</c> prints).</summary>
public sealed record WorkloadTables(HeapStats Stats, ArenaMapStats? ArenaMap, ArenaObject[] ArenaTable, int LiveBlocks);
