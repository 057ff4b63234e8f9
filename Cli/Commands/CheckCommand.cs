using System.CommandLine;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Families.CPython;
using PymallocVerify.Cli.Options;
using PymallocVerify.Cli.Reporting;
using PymallocVerify.SeededBugs;
using Spectre.Console;

namespace PymallocVerify.Cli.Commands;

/// <summary>
/// <c>check</c>: runs every verification family for the budget (their streams interleaved, one worker per core), shows
/// progress, prints the summary table and the verdict. Exit 0 when everything holds, 1 with the counterexample paths when something fails.
/// </summary>
public static class CheckCommand
{
    public static Command Create(CliApp app)
    {
        Option<Budget> budget = CliOptions.Budget("60s",
            "Time budget for the whole run (500ms, 60s, 2m, 1h), shared between the streams; must be positive.");
        Option<ulong> seed = CliOptions.Seed();
        Option<IReadOnlyList<Geometry>> geometry = CliOptions.Geometries("all");
        Option<OracleSelection?> oracle = CliOptions.Oracles("all", "Ownership oracle: classic, radix, all.");
        Option<Shard> shard = CliOptions.Shard();
        Option<string> output = CliOptions.OutputDirectory();
        Option<string?> junit = new("--junit") { Description = "Also write a JUnit XML report to FILE.", HelpName = "FILE" };
        Option<int?> cases = CliOptions.PositiveInt("--cases",
            "At most N cases per family and configuration: with it, a run checks exactly the same cases whatever the machine's speed.");
        Option<int?> jobs = CliOptions.PositiveInt("--jobs",
            "Run N streams side by side. Default: one per core.");
        Option<string[]> family = new("--family", "-f")
        {
            Description = "Run only this family (repeatable). Default: all.",
            HelpName = "NAME",
        };
        Option<SeededBug?> seededBug = CliOptions.SeededBug();
        Option<string[]> libpython = CliOptions.LibPython(
            "cpython family: use this libpython3.X.so first for its version (repeatable). Default: pyenv's, then the system's.");
        Option<string?> cpython = new("--cpython")
        {
            Description = "cpython family: versions to run, all or a comma list of 3.8, 3.9, 3.10, 3.11. Default all.",
            HelpName = "VERSIONS",
        };

        var command = new Command("check", "Run every verification family for a time budget.\n" + ExitCodes.CheckHelp)
        {
            budget, seed, geometry, oracle, shard, output, junit, cases, jobs, family, seededBug, libpython, cpython,
        };
        command.SetAction(parse =>
        {
            OracleSelection oracles = parse.GetValue(oracle) ?? OracleSelection.Everything;
            var settings = new CampaignSettings
            {
                Seed = parse.GetValue(seed),
                Shard = parse.GetValue(shard),
                Budget = parse.GetValue(budget),
                MaxCases = parse.GetValue(cases),
                Jobs = parse.GetValue(jobs) ?? Environment.ProcessorCount,
                OutputDirectory = parse.GetValue(output)!,
                Selection = new CampaignSelection(parse.GetValue(geometry)!, oracles.Kinds, parse.GetValue(seededBug)),
            };
            if (!CPythonFamily.TryParseVersions(parse.GetValue(cpython), out IReadOnlyList<string> versions, out string? error))
                throw new UsageException(error!);
            return Run(app, settings, parse.GetValue(family) ?? [], parse.GetValue(junit),
                new CPythonSelection(versions, parse.GetValue(libpython) ?? []));
        });
        return command;
    }

    public static int Run(CliApp app, CampaignSettings settings, IReadOnlyList<string> familyNames, string? junitPath,
                          CPythonSelection? cpython = null)
    {
        CliOutput output = app.Output;
        IReadOnlyList<IVerificationFamily> families = SelectFamilies(app.Families(), familyNames, settings.SeededBug);
        if (cpython is not null) families = [.. families.Select(f => f is CPythonFamily c ? c.With(cpython) : f)];
        RequireSomethingRunnable(families, settings);
        PrepareOutputs(settings, junitPath);
        using OutputLock outputLock = OutputLock.Acquire(settings.OutputDirectory);

        output.Line($"pymalloc-verify check: seed {settings.Seed}, shard {settings.Shard}, budget {settings.Budget}, {RateText.Plural(settings.Jobs, "worker")}" +
                    (settings.MaxCases is { } m ? $", at most {m} case{(m == 1 ? "" : "s")} per stream" : "") +
                    (settings.SeededBug is { } bug ? $", SEEDED BUG {bug.Name}" : ""));
        // The cpython streams are labelled by minor version (the label seeds their cases); which file and release ran is said here.
        foreach (CPythonFamily c in families.OfType<CPythonFamily>())
        foreach (string library in c.LoadedLibraries(settings.Selection))
            output.Line($"  {library}");

        CampaignReport report;
        app.WatchesInterrupts = true;
        try
        {
            report = output.Interactive
                ? output.Console.Progress()
                    .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
                    .Start(ctx => CampaignRunner.Run(settings, families, new LiveProgress(ctx), app.Cancellation))
                : CampaignRunner.Run(settings, families, new PlainProgress(output.Out), app.Cancellation);
        }
        finally
        {
            app.WatchesInterrupts = false;
        }

        // The verdict and every failure's reproduce line reach stdout before any report file is written: a full disk
        // or a vanished --out afterwards costs the report files, never the failure.
        output.Line();
        SummaryTable.Write(output, report);
        output.Line();
        FailureListing.Write(output, report);
        output.Out.Flush();
        int verdict = !report.Holds ? ExitCodes.Failed
            : report.Interrupted ? app.InterruptedExitCode
            : ExitCodes.Holds;

        string writing = Path.Combine(settings.OutputDirectory, "report.json");
        try
        {
            string reportPath = ReportJson.Write(settings.OutputDirectory, report);
            output.Line($"report: {ReplayCommand.DisplayPath(reportPath)}");
            if (junitPath is not null)
            {
                writing = junitPath;
                JUnitReport.Write(junitPath, report);
                output.Line($"junit: {ReplayCommand.DisplayPath(junitPath)}");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            output.Error.WriteLine($"{CliApp.ToolName}: cannot write '{writing}': {StrictFirstLine(e.Message)}" +
                                   (report.Holds ? "" : " (the failures are listed above)"));
            return ExitCodes.BadUsage;
        }
        return verdict;
    }

    private static string StrictFirstLine(string message) => Model.StrictJson.FirstLine(message);

    private static IReadOnlyList<IVerificationFamily> SelectFamilies(IReadOnlyList<IVerificationFamily> all,
                                                                     IReadOnlyList<string> names, SeededBug? seededBug)
    {
        var chosen = new List<IVerificationFamily>();
        // An empty --family "" is a mistake (an unset variable in a script), not a request for everything.
        if (names.Any(n => n.Split(',').Any(part => part.Trim().Length == 0)))
            throw new UsageException($"--family needs a name; expected one of: {string.Join(", ", all.Select(f => f.Name))}");
        foreach (string name in names.SelectMany(n => n.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)))
        {
            IVerificationFamily family = all.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase))
                ?? throw new UsageException($"unknown family '{name}'; expected one of: {string.Join(", ", all.Select(f => f.Name))}");
            if (!chosen.Contains(family)) chosen.Add(family);
        }
        if (chosen.Count == 0) chosen.AddRange(all);
        if (seededBug is not null && !chosen.Any(f => f.Runs(seededBug)))
        {
            var runners = all.Where(f => f.Runs(seededBug)).Select(f => f.Name);
            throw new UsageException($"seeded bug {seededBug.Name} is run by {string.Join(", ", runners)}, which is not selected");
        }
        return chosen;
    }

    private static void RequireSomethingRunnable(IReadOnlyList<IVerificationFamily> families, CampaignSettings settings)
    {
        var configurations = families.SelectMany(f => f.Configurations(settings.Selection)).ToList();
        if (configurations.Any(c => c.Runnable)) return;
        string reasons = string.Join("; ", configurations.Select(c => $"{c.Label}: {c.SkipReason}").Distinct());
        throw new UsageException($"nothing to run for this selection ({reasons})");
    }

    /// <summary>Every place the run will write is tried before any work starts, so an unwritable one is exit 2 at once.</summary>
    private static void PrepareOutputs(CampaignSettings settings, string? junitPath)
    {
        string outputDirectory = settings.OutputDirectory;
        if (outputDirectory.Trim().Length == 0) throw new UsageException("--out needs a directory, not an empty value");
        if (junitPath is not null && junitPath.Trim().Length == 0) throw new UsageException("--junit needs a file name, not an empty value");
        try
        {
            foreach (string directory in new[] { outputDirectory, settings.CounterexampleDirectory })
            {
                Directory.CreateDirectory(directory);
                string probe = Path.Combine(directory, $".write-probe-{Environment.ProcessId}");
                File.WriteAllText(probe, "");
                File.Delete(probe);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"cannot write to --out '{outputDirectory}': {Model.StrictJson.FirstLine(e.Message)}");
        }
        if (junitPath is null) return;
        try
        {
            if (Directory.Exists(junitPath)) throw new IOException("it is a directory");
            string? directory = Path.GetDirectoryName(Path.GetFullPath(junitPath));
            if (directory is not null) Directory.CreateDirectory(directory);
            // Probed without emptying an existing report: the new one replaces it only once it is complete.
            if (File.Exists(junitPath)) { using (File.Open(junitPath, FileMode.Open, FileAccess.Write)) { } }
            else { using (File.Open(junitPath, FileMode.CreateNew, FileAccess.Write)) { } File.Delete(junitPath); }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"cannot write --junit '{junitPath}': {e.Message}");
        }
    }
}
