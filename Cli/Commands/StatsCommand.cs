using System.CommandLine;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Families.Smoke;
using PymallocVerify.Cli.Options;
using PymallocVerify.Cli.Stats;
using Spectre.Console;

namespace PymallocVerify.Cli.Commands;

/// <summary>
/// <c>stats</c>: runs a workload on the heap (real memory) and prints the allocator's tables: the
/// sys._debugmallocstats() table and the arena table, after checking the invariants.
/// </summary>
public static class StatsCommand
{
    public const int DefaultOperations = 20_000;

    public static Command Create(CliApp app)
    {
        Option<IReadOnlyList<Geometry>> geometry = CliOptions.Geometries("modern");
        Option<OracleSelection?> oracle = CliOptions.Oracles(null,
            "Ownership oracle: classic or radix. Default: radix for modern when this build has it, else classic.");
        Option<WorkloadShape> workload = CliOptions.Workload("Workload: mixed, churn, fill. Default mixed.");
        Option<ulong> seed = CliOptions.Seed();
        Option<int?> operations = CliOptions.PositiveInt("--operations", $"Workload length. Default {DefaultOperations}.");
        var command = new Command("stats", "Run a workload and print the allocator's tables (like sys._debugmallocstats()).")
        {
            geometry, oracle, workload, seed, operations,
        };
        command.SetAction(parse =>
        {
            OracleSelection? oracles = parse.GetValue(oracle);
            if (oracles is { Kinds.Count: > 1 }) throw new UsageException("stats takes one oracle: classic or radix");
            return Run(app, parse.GetValue(geometry)!, oracles?.Kinds[0], parse.GetValue(workload), parse.GetValue(seed),
                parse.GetValue(operations) ?? DefaultOperations);
        });
        return command;
    }

    public static int Run(CliApp app, IReadOnlyList<Geometry> geometries, OracleKind? oracle, WorkloadShape workload,
                          ulong seed, int operations)
    {
        int exit = ExitCodes.Holds;
        foreach (Geometry preset in geometries)
        {
            (Geometry geometry, OracleKind kind, string? note) = Choose(preset, oracle);
            app.Output.Line($"stats: geometry {geometry.Name}, oracle {OracleNames.Of(kind)}, workload {WorkloadShapes.Name(workload)}, " +
                            $"seed {seed}, {operations:N0} operations");
            if (note is not null) app.Output.Line($"note: {note}");
            var script = new SmokeScript(geometry, kind, workload, seed, operations, InvariantInterval: 1024, Queries: false);
            SmokeRunResult result = SmokeExecutor.Run(script, SmokeCoverage.New(), snapshot: true);
            if (result.Snapshot is { } snapshot)
            {
                app.Output.Line();
                app.Output.Out.Write(snapshot.Stats.Format());
                if (snapshot.OracleStats is { } oracleStats) app.Output.Line(oracleStats);
                app.Output.Line();
                app.Output.Line($"{snapshot.LiveBlocks:N0} live blocks after the workload.");
                app.Output.Console.Write(ArenaSummary.Build(geometry, snapshot.ArenaTable, !app.Output.Interactive));
            }
            if (result.Failed)
            {
                app.Output.Line($"FAILED: {result.Describe()}");
                exit = ExitCodes.Failed;
            }
            else
            {
                app.Output.Line("invariants: hold after the workload and after freeing every block.");
            }
            app.Output.Line();
        }
        return exit;
    }

    /// <summary>
    /// The oracle for a geometry. Modern's pools are larger than a page, which the classic oracle is not allowed
    /// by default: without the radix oracle, stats waives that rule explicitly — safe here, because the stats
    /// workload only ever asks about blocks pymalloc handed out (no foreign pointers, no large requests).
    /// </summary>
    private static (Geometry Geometry, OracleKind Oracle, string? Note) Choose(Geometry preset, OracleKind? requested)
    {
        bool radixAvailable = OracleCatalog.IsAvailable(OracleKind.RadixTree);
        OracleKind kind = requested ?? (radixAvailable && preset.PoolSize > preset.PageSize ? OracleKind.RadixTree : OracleKind.PoolIndex);
        if (OracleCatalog.UnavailableReason(kind) is { } why) throw new UsageException($"--oracle {OracleNames.Of(kind)}: {why}");
        if (kind == OracleKind.PoolIndex && preset.PoolSize > preset.PageSize)
        {
            return (preset with { UnsafeAllowPoolHeaderOracleWithPoolsLargerThanPage = true }, kind,
                $"{preset.Name} pools ({preset.PoolSize} bytes) are larger than a page, so the classic oracle runs with the page rule " +
                "waived; the workload then only touches pymalloc's own blocks (no large requests)" +
                (radixAvailable ? "" : "; the radix oracle, modern's default, is not in this build yet"));
        }
        return (preset, kind, null);
    }
}
