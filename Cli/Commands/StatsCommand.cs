using System.CommandLine;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Options;
using PymallocVerify.Cli.Stats;
using PymallocVerify.Model;
using PymallocVerify.Properties.Generation;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Cli.Commands;

/// <summary>
/// <c>stats</c>: runs a workload in the operation language (<see cref="WorkloadGenerator"/>, from the seed) on the real
/// heap over real memory, each step checked against the model, and prints the allocator's tables before the teardown
/// frees everything: the sys._debugmallocstats() table, the radix tree's node counts, and the arena table. The heap's
/// invariants are checked there, once (the <c>workloads</c> family of <c>check</c> checks them after every step).
/// </summary>
public static class StatsCommand
{
    public const int DefaultOperations = 20_000;

    /// <summary>The longest workload stats runs: the generated program is held in memory whole before it runs.</summary>
    public const int MaxOperations = 1_000_000;

    public static Command Create(CliApp app)
    {
        Option<IReadOnlyList<Geometry>> geometry = CliOptions.Geometries("modern");
        Option<OracleSelection?> oracle = CliOptions.Oracles(null,
            "Ownership oracle: classic or radix. Default: radix where pools are larger than a page (modern), else classic.");
        Option<WorkloadShape> workload = CliOptions.Workload("Workload: mixed, churn, fill.");
        Option<ulong> seed = CliOptions.Seed();
        Option<int?> operations = CliOptions.PositiveInt("--operations", $"Workload length, at most {MaxOperations:N0}. Default {DefaultOperations:N0}.");
        var command = new Command("stats", "Run a workload and print the allocator's tables (like sys._debugmallocstats()).")
        {
            geometry, oracle, workload, seed, operations,
        };
        command.SetAction(parse =>
        {
            OracleSelection? oracles = parse.GetValue(oracle);
            if (oracles is { Kinds.Count: > 1 }) throw new UsageException("stats takes one oracle: classic or radix");
            if (parse.GetValue(operations) is > MaxOperations)
                throw new UsageException($"--operations {parse.GetValue(operations)} is more than {MaxOperations:N0}, the cap for stats");
            return Run(app, parse.GetValue(geometry)!, oracles?.Kinds[0], parse.GetValue(workload), parse.GetValue(seed),
                parse.GetValue(operations) ?? DefaultOperations);
        });
        return command;
    }

    public static int Run(CliApp app, IReadOnlyList<Geometry> geometries, OracleKind? oracle, WorkloadShape shape,
                          ulong seed, int operations)
    {
        int exit = ExitCodes.Holds;
        foreach (Geometry geometry in geometries)
        {
            OracleKind kind = oracle ?? HeapVariant.DefaultOracleFor(geometry);
            app.Output.Line($"stats: geometry {geometry.Name}, oracle {OracleNames.Of(kind)}, workload {shape.ToString().ToLowerInvariant()}, " +
                            $"seed {seed}, {operations:N0} operations");
            if (kind == OracleKind.PoolIndex && geometry.PoolSize > geometry.PageSize)
                app.Output.Line($"note: {geometry.Name} pools ({geometry.PoolSize} bytes) are larger than a page, so the classic oracle runs " +
                                "with the page rule waived, as in the properties: every pool-base read stays in mapped, test-owned memory");

            TestCase workload = WorkloadGenerator.Generate(shape, geometry, seed, operations);
            WorkloadTables? tables = null;
            string? broken = null;
            RunOutcome outcome = new CaseRunner(geometry, HeapVariant.Real(kind), checkInvariantsEveryStep: false).Run(workload,
                snapshotAfter: workload.Length, (state, heap, _) =>
                {
                    tables = new WorkloadTables(heap.GetStats(), heap.ArenaMapStats, [.. heap.ArenaTable], state.Blocks.Count);
                    try { heap.CheckInvariants(); }
                    catch (HeapInvariantException e) { broken = e.Message; }
                });
            if (tables is not null)
            {
                app.Output.Line();
                app.Output.Out.Write(tables.Stats.Format());
                if (tables.ArenaMap is { } map) app.Output.Line(map.ToString());
                app.Output.Line();
                app.Output.Line($"{tables.LiveBlocks:N0} live blocks after the workload.");
                app.Output.Console.Write(ArenaSummary.Build(geometry, tables.ArenaTable, !app.Output.Interactive));
            }
            if (outcome.Failure is { } failure)
            {
                app.Output.Line($"FAILED at step {failure.Step + 1} ({failure.Family}): {failure.Message}");
                exit = ExitCodes.Failed;
            }
            else if (broken is not null)
            {
                app.Output.Line($"FAILED: CheckInvariants() after the workload: {broken}");
                exit = ExitCodes.Failed;
            }
            else
            {
                app.Output.Line("invariants: hold after the workload; every step matched the model; every block freed and every arena returned.");
            }
            app.Output.Line();
        }
        return exit;
    }
}
