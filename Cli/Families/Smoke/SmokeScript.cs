using PymallocVerify.Allocator;
using PymallocVerify.Cli.Options;

namespace PymallocVerify.Cli.Families.Smoke;

/// <summary>Everything that determines a smoke run: the same script always executes the same program.</summary>
/// <param name="Steps">Workload steps; afterwards every live block is freed and the heap checked once more.</param>
/// <param name="Queries">Ownership queries on blocks and on foreign regions (off for <c>stats</c>).</param>
/// <param name="PlannedSteps">Set when <see cref="Steps"/> is a failing prefix of a longer workload.</param>
public sealed record SmokeScript(
    Geometry Geometry,
    OracleKind Oracle,
    WorkloadShape Workload,
    ulong Seed,
    int Steps,
    string? SeededBug = null,
    int InvariantInterval = 64,
    bool Queries = true,
    int? PlannedSteps = null)
{
    /// <summary>The workload length the generator plans phases for (a shortened counterexample keeps the original's).</summary>
    public int WorkloadLength => PlannedSteps ?? Steps;

    public const int ForeignRegions = 2;

    /// <summary>
    /// Whether the oracle may be asked about a pointer that pymalloc did not hand out (system blocks, foreign
    /// regions). The classic oracle reads the pointer's pool base, which is only guaranteed mapped when a pool
    /// fits in a page; with that rule waived (Modern pools, 4 KiB pages) only pymalloc's own blocks are queried.
    /// </summary>
    public bool ForeignPointersSafe =>
        Oracle == OracleKind.RadixTree || Geometry.PoolSize <= Geometry.PageSize;
}
