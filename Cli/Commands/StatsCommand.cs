using System.CommandLine;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Options;
using PymallocVerify.Cli.Stats;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend.CPython;
using PymallocVerify.Properties.CPython;
using PymallocVerify.Properties.Generation;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Cli.Commands;

/// <summary>
/// <c>stats</c>: runs a workload in the operation language (<see cref="WorkloadGenerator"/>, from the seed) on the real
/// heap over real memory, each step checked against the model, and prints the allocator's tables before the teardown
/// frees everything: the sys._debugmallocstats() table, the radix tree's node counts, and the arena table. The heap's
/// invariants are checked there, once (the <c>workloads</c> family of <c>check</c> checks them after every step).
/// With <c>--cpython 3.X</c> the port runs as that version (its preset: geometry, oracle, arena release, arena-map
/// layout) in lock step with that libpython, and the text printed is libpython's own <c>_PyObject_DebugMallocStats()</c>,
/// which the port's must equal byte for byte (the cpython family's differential), every step matched the model too.
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
        Option<string?> cpython = new("--cpython")
        {
            Description = "Run the port as CPython 3.8, 3.9, 3.10 or 3.11 beside that libpython and print its _PyObject_DebugMallocStats() text, " +
                          "checked byte for byte against the port's (sets geometry and oracle).",
            HelpName = "VERSION",
        };
        Option<string[]> libpython = CliOptions.LibPython("With --cpython: use this libpython3.X.so first (repeatable). Default: pyenv's, then the system's.");
        var command = new Command("stats", "Run a workload and print the allocator's tables (like sys._debugmallocstats()).")
        {
            geometry, oracle, workload, seed, operations, cpython, libpython,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(cpython) is { } version)
            {
                if (parse.GetResult(geometry) is { Implicit: false } || parse.GetResult(oracle) is { Implicit: false })
                    throw new UsageException("--cpython sets the geometry and the oracle: drop --geometry and --oracle");
                if (parse.GetValue(operations) is > MaxOperations)
                    throw new UsageException($"--operations {parse.GetValue(operations)} is more than {MaxOperations:N0}, the cap for stats");
                return RunAsCPython(app, version, parse.GetValue(libpython) ?? [], parse.GetValue(workload), parse.GetValue(seed),
                    parse.GetValue(operations) ?? DefaultOperations);
            }
            if (parse.GetValue(libpython) is { Length: > 0 }) throw new UsageException("--libpython goes with --cpython");
            OracleSelection? oracles = parse.GetValue(oracle);
            if (oracles is { Kinds.Count: > 1 }) throw new UsageException("stats takes one oracle: classic or radix");
            if (parse.GetValue(operations) is > MaxOperations)
                throw new UsageException($"--operations {parse.GetValue(operations)} is more than {MaxOperations:N0}, the cap for stats");
            return Run(app, parse.GetValue(geometry)!, oracles?.Kinds[0], parse.GetValue(workload), parse.GetValue(seed),
                parse.GetValue(operations) ?? DefaultOperations);
        });
        return command;
    }

    /// <summary>The workload on libpython <paramref name="version"/> and the port configured as it, in lock step.</summary>
    public static int RunAsCPython(CliApp app, string version, IReadOnlyList<string> libraries, WorkloadShape shape, ulong seed, int operations)
    {
        CPythonPreset preset;
        try { preset = CPythonPreset.FromVersion(version); }
        catch (ArgumentException e) { throw new UsageException($"--cpython: {e.Message}"); }
        LibPythonInstall install = LibPythonLocator.Find(preset.Version, out string why, libraries)
            ?? throw new UsageException($"stats --cpython {preset.Version} prints libpython's own text beside the port's: {why}");
        app.Output.Line($"stats: {preset}, workload {shape.ToString().ToLowerInvariant()}, seed {seed}, {operations:N0} operations");
        app.Output.Line($"libpython: {install.Path} ({install.Origin})");

        TestCase workload = WorkloadGenerator.Generate(shape, preset.Geometry, seed, operations);
        CPythonRunResult result = new CPythonCaseRunner(preset, install, PortVariant.Faithful).RunDetailed(workload);
        if (result.Statistics is { } text)
        {
            app.Output.Line();
            app.Output.Out.Write(text);
            app.Output.Line();
        }
        if (result.Outcome.Failure is { } failure)
        {
            app.Output.Line($"FAILED at step {failure.Step + 1} ({failure.Family}): {failure.Message}");
            return ExitCodes.Failed;
        }
        app.Output.Line($"identical: the port's text is this text byte for byte, and so was every step before it (addresses, " +
                        $"decisions, arenas, _Py_GetAllocatedBlocks()); every step matched the model; the teardown returned the arenas {preset.Version} returns.");
        return ExitCodes.Holds;
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
                    return true;
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
