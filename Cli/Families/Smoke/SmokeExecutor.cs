using PymallocVerify.SeededBugs.Oracles;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.SeededBugs;

namespace PymallocVerify.Cli.Families.Smoke;

/// <summary>Picks the heap instantiation (oracle, hooks) a smoke script asks for and runs it.</summary>
public static class SmokeExecutor
{
    /// <param name="trace">Called after each step with the step number, the operation and what happened (replay).</param>
    /// <param name="snapshot">Capture the heap's stats and arena table before teardown (<c>stats</c>).</param>
    public static SmokeRunResult Run(SmokeScript script, Coverage coverage, IProgressReporter? progress = null,
                                     Action<int, SmokeOp, string>? trace = null, bool snapshot = false)
    {
        IProgressReporter p = progress ?? SilentProgress.Instance;
        if (OracleCatalog.UnavailableReason(script.Oracle) is { } missing) throw new UsageException(missing);
        return (script.Oracle, script.SeededBug) switch
        {
            (OracleKind.PoolIndex, null) => SmokeExecution<PoolIndexOracle, NoHooks>.Run(script, coverage, p, trace, snapshot),
            (OracleKind.RadixTree, null) => SmokeExecution<RadixTreeOracle, NoHooks>.Run(script, coverage, p, trace, snapshot),
            (OracleKind.PoolIndex, CliSeededBugs.OracleIgnoresArenaBase) =>
                SmokeExecution<BrokenPoolIndexOracle<NoRangeCheck>, NoHooks>.Run(script, coverage, p, trace, snapshot),
            (OracleKind.PoolIndex, CliSeededBugs.OracleNoBoundCheck) =>
                SmokeExecution<BrokenPoolIndexOracle<NoBoundCheck>, NoHooks>.Run(script, coverage, p, trace, snapshot),
            (OracleKind.PoolIndex, CliSeededBugs.PoolIndexNotWritten) =>
                SmokeExecution<PoolIndexOracle, UnwrittenPoolIndexHooks>.Run(script, coverage, p, trace, snapshot),
            (_, { } bug) => throw new UsageException(
                $"seeded bug '{bug}' does not apply to the {Options.OracleNames.Of(script.Oracle)} oracle"),
            _ => throw new UsageException($"no smoke runner for the {script.Oracle} oracle"),
        };
    }

    /// <summary>Null when the seeded bug can run under the oracle; otherwise why not.</summary>
    public static string? SeededBugUnsupportedReason(string? seededBug, OracleKind oracle) =>
        seededBug is null || oracle == OracleKind.PoolIndex && CliSeededBugs.Names.Contains(seededBug)
            ? null
            : $"seeded bug '{seededBug}' applies to the classic oracle only";
}
