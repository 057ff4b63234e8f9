using System.CommandLine;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Options;
using PymallocVerify.Cli.Reporting;
using PymallocVerify.SeededBugs;
using Spectre.Console;

namespace PymallocVerify.Cli.Commands;

/// <summary>
/// <c>mutants</c>: the suite has teeth. Every bug of the seeded-bug catalog, once, is hunted by the first family (in run
/// order) that runs it until one of its cases fails; per bug it reports killed or not, by which family and
/// configuration, the time to kill and the counterexample's length. Exit 0 when every bug that ran is killed, 1 when one
/// survives. <c>--list</c> prints the catalog instead (<c>--markdown</c>: as docs/teeth.md).
/// </summary>
public static class MutantsCommand
{
    /// <summary>One seeded bug hunted by its family (<see cref="Family"/> is null when no selected family runs it).</summary>
    public sealed record MutantOutcome(SeededBug Bug, string? Family, bool Killed, string? Configuration, TimeSpan TimeToKill,
                                       long CasesRun, int? CounterexampleLength, string? CounterexamplePath, string? Message,
                                       string? ReplayOptions = null)
    {
        /// <summary>False when no configuration of the selection can run the bug (e.g. a radix bug with --oracle classic).</summary>
        public bool Ran => Killed || CasesRun > 0;
    }

    public static Command Create(CliApp app)
    {
        Option<Budget> budget = CliOptions.Budget("20s", "Time budget per seeded bug.");
        Option<ulong> seed = CliOptions.Seed();
        Option<IReadOnlyList<Geometry>> geometry = CliOptions.Geometries("all");
        Option<OracleSelection?> oracle = CliOptions.Oracles("all", "Ownership oracle: classic, radix, all.");
        Option<string> output = CliOptions.OutputDirectory();
        Option<int?> cases = CliOptions.PositiveInt("--cases", "At most N cases per configuration for each seeded bug.");
        Option<string[]> only = new("--bug") { Description = "Run only this seeded bug (repeatable).", HelpName = "NAME" };
        var list = new Option<bool>("--list") { Description = "List the catalog and the family that hunts each bug; run nothing." };
        var markdown = new Option<bool>("--markdown") { Description = "With --list: print docs/teeth.md." };
        var command = new Command("mutants", "Run every bug of the seeded-bug catalog; each must be killed.")
        {
            budget, seed, geometry, oracle, output, cases, only, list, markdown,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(list))
            {
                IReadOnlyList<IVerificationFamily> families = app.Families();
                if (parse.GetValue(markdown)) app.Output.Out.Write(TeethMarkdown.Render(families));
                else SeededBugTable.Write(app.Output, families);
                return ExitCodes.Holds;
            }
            if (parse.GetValue(markdown)) throw new UsageException("--markdown goes with --list");
            OracleSelection oracles = parse.GetValue(oracle) ?? OracleSelection.Everything;
            IReadOnlyList<MutantOutcome> outcomes;
            app.WatchesInterrupts = true;
            try
            {
                outcomes = Run(app, parse.GetValue(seed), parse.GetValue(budget),
                    new CampaignSelection(parse.GetValue(geometry)!, oracles.Kinds), parse.GetValue(output)!,
                    parse.GetValue(cases), parse.GetValue(only) ?? []);
            }
            finally
            {
                app.WatchesInterrupts = false;
            }
            if (app.Cancellation.IsCancellationRequested)
            {
                // What was hunted before the signal is still worth seeing; the rest is neither killed nor survived.
                if (outcomes.Count > 0) Print(app.Output, outcomes, verdict: false);
                app.Output.Line($"INTERRUPTED: {RateText.Plural(outcomes.Count, "seeded bug")} hunted before the signal; the rest did not run.");
                return outcomes.Any(o => o.Ran && !o.Killed) ? ExitCodes.Failed : app.InterruptedExitCode;
            }
            if (outcomes.Count > 0 && !outcomes.Any(o => o.Ran))
                throw new UsageException("no selected seeded bug can run with this selection: " +
                    string.Join("; ", outcomes.Select(o => $"{o.Bug.Name}: {o.Message}").Distinct()));
            Print(app.Output, outcomes);
            return outcomes.Any(o => o.Ran && !o.Killed) ? ExitCodes.Failed : ExitCodes.Holds;
        });
        return command;
    }

    /// <summary>The family <c>mutants</c> hunts <paramref name="bug"/> with: the first, in run order, that runs it.</summary>
    public static IVerificationFamily? HuntingFamily(IReadOnlyList<IVerificationFamily> families, SeededBug bug) =>
        families.FirstOrDefault(f => f.Runs(bug));

    public static IReadOnlyList<MutantOutcome> Run(CliApp app, ulong seed, Budget budget, CampaignSelection selection,
                                                   string outputDirectory, int? maxCases, IReadOnlyList<string> onlyBugs)
    {
        var bugs = new List<SeededBug>();
        foreach (string name in onlyBugs)
            bugs.Add(SeededBugCatalog.Named(name) ?? throw new UsageException(
                $"unknown seeded bug '{name}'; known: {string.Join(", ", SeededBugCatalog.All.Select(b => b.Name))}"));
        if (bugs.Count == 0) bugs.AddRange(SeededBugCatalog.All);

        IReadOnlyList<IVerificationFamily> families = app.Families();
        var outcomes = new List<MutantOutcome>();
        foreach (SeededBug bug in bugs.Distinct())
        {
            if (app.Cancellation.IsCancellationRequested) break;
            if (HuntingFamily(families, bug) is not { } family)
            {
                outcomes.Add(new MutantOutcome(bug, null, false, null, TimeSpan.Zero, 0, null, null, "no selected family runs it"));
                continue;
            }
            app.Output.Line($"[mutants] {bug.Name} vs {family.Name} ...");
            if (Hunt(app, family, bug, seed, budget, selection with { SeededBug = bug }, Path.Combine(outputDirectory, "mutants"),
                     maxCases) is not { } outcome) break;
            outcomes.Add(outcome);
        }
        return outcomes;
    }

    /// <summary>
    /// Runs the family's configurations as <c>check</c> does (interleaved, sharing the budget) until a case fails. Null
    /// when an interrupt stopped the hunt before a kill: the bug was neither killed nor seen to survive.
    /// </summary>
    private static MutantOutcome? Hunt(CliApp app, IVerificationFamily family, SeededBug bug, ulong seed, Budget budget,
                                       CampaignSelection selection, string outputDirectory, int? maxCases)
    {
        var settings = new CampaignSettings
        {
            Seed = seed,
            Budget = budget,
            MaxCases = maxCases,
            Selection = selection,
            OutputDirectory = outputDirectory,
        };
        CampaignReport report = CampaignRunner.Run(settings, [family], SilentProgress.Instance, app.Cancellation, stopAtFirstFailure: true);
        if (report.Failures.FirstOrDefault() is ({ } stream, { } failure))
            return new MutantOutcome(bug, family.Name, true, stream.Configuration.Label, report.Elapsed, report.CasesRun,
                failure.CounterexampleLength, failure.CounterexamplePath, failure.Message, failure.ReplayOptions);
        if (app.Cancellation.IsCancellationRequested) return null;
        IReadOnlyList<FamilyConfiguration> configurations = family.Configurations(selection);
        string? why = !configurations.Any(c => c.Runnable)
            ? configurations.FirstOrDefault(c => !c.Runnable)?.SkipReason ?? "no configuration of the selection can run it"
            : null;
        return new MutantOutcome(bug, family.Name, false, null, report.Elapsed, report.CasesRun, null, null, why);
    }

    /// <param name="verdict">False after an interrupt: the bugs not hunted make "all killed" a claim the run cannot make.</param>
    public static void Print(CliOutput output, IReadOnlyList<MutantOutcome> outcomes, bool verdict = true)
    {
        var table = new Table().Border(output.Interactive ? TableBorder.Rounded : TableBorder.Ascii);
        foreach (string column in new[] { "Seeded bug", "Family", "Killed", "Configuration", "Time to kill", "Cases", "Counterexample length" })
            table.AddColumn(column);
        foreach (MutantOutcome o in outcomes)
        {
            table.AddRow(Markup.Escape(o.Bug.Name), Markup.Escape(o.Family ?? "-"),
                o.Killed ? "[green]killed[/]" : o.Ran ? "[red]SURVIVED[/]" : "not run",
                Markup.Escape(o.Configuration ?? "-"), o.Killed ? RateText.Duration(o.TimeToKill) : "-",
                o.CasesRun.ToString(System.Globalization.CultureInfo.InvariantCulture),
                o.CounterexampleLength is { } n ? RateText.Plural(n, "op") : "-");
        }
        output.Line();
        output.Console.Write(table);
        foreach (MutantOutcome o in outcomes)
        {
            output.Line($"  {o.Bug.Name}: {o.Bug.Description}");
            if (o.Killed && o.CounterexamplePath is { } path)
                output.Line($"    {o.Message}\n    reproduce with: {ReplayCommand.For(path, o.ReplayOptions)}");
            else if (!o.Ran)
                output.Line($"    not run{(o.Family is null ? "" : $" by {o.Family}")}: {o.Message}");
            else if (!o.Killed)
                output.Line($"    survived {o.Family} ({RateText.Plural(o.CasesRun, "case")} in {RateText.Seconds(o.TimeToKill)})");
        }
        if (!verdict) return;
        int ran = outcomes.Count(o => o.Ran);
        var survivors = outcomes.Where(o => o.Ran && !o.Killed).Select(o => o.Bug.Name).ToList();
        string notRun = ran < outcomes.Count ? $" ({outcomes.Count - ran} not run with this selection)" : "";
        output.Line(survivors.Count == 0
            ? $"ALL KILLED: {outcomes.Count(o => o.Killed)}/{ran} seeded bugs{notRun}."
            : $"SURVIVORS: {survivors.Count} of {ran} seeded bugs were not killed: {string.Join(", ", survivors)}{notRun}.");
    }
}
