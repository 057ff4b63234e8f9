using System.CommandLine;
using System.Diagnostics;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Options;
using PymallocVerify.Cli.Reporting;
using Spectre.Console;

namespace PymallocVerify.Cli.Commands;

/// <summary>
/// <c>mutants</c>: the suite has teeth. Every family's seeded bugs are run by that family until one of its cases
/// fails; per bug it reports killed or not, by which family and configuration, the time to kill and the
/// counterexample's length. Exit 0 when every seeded bug is killed, 1 when one survives.
/// </summary>
public static class MutantsCommand
{
    /// <summary>One seeded bug tried by one family.</summary>
    public sealed record MutantOutcome(string Bug, string Description, string Family, bool Killed, string? Configuration,
                                       TimeSpan TimeToKill, long CasesRun, int? CounterexampleLength, string? CounterexamplePath,
                                       string? Message, string? ReplayOptions = null)
    {
        /// <summary>False when no configuration of the selection can run the bug (e.g. a radix bug with --oracle classic).</summary>
        public bool Ran => Killed || CasesRun > 0;
    }

    public static Command Create(CliApp app)
    {
        Option<Budget> budget = CliOptions.Budget("20s", "Time budget per seeded bug and family. Default 20s.");
        Option<ulong> seed = CliOptions.Seed();
        Option<IReadOnlyList<Geometry>> geometry = CliOptions.Geometries("all");
        Option<OracleSelection?> oracle = CliOptions.Oracles("all", "Ownership oracle: classic, radix, all. Default all.");
        Option<string> output = CliOptions.OutputDirectory();
        Option<int?> cases = CliOptions.PositiveInt("--cases", "At most N cases per configuration for each seeded bug.");
        Option<string[]> only = new("--bug") { Description = "Run only this seeded bug (repeatable).", HelpName = "NAME" };
        var command = new Command("mutants", "Run every seeded bug of the teeth catalogs; each must be killed by some family.")
        {
            budget, seed, geometry, oracle, output, cases, only,
        };
        command.SetAction(parse =>
        {
            OracleSelection oracles = parse.GetValue(oracle) ?? OracleSelection.Everything;
            IReadOnlyList<MutantOutcome> outcomes = Run(app, parse.GetValue(seed), parse.GetValue(budget),
                new CampaignSelection(parse.GetValue(geometry)!, oracles.Kinds), parse.GetValue(output)!,
                parse.GetValue(cases), parse.GetValue(only) ?? []);
            if (outcomes.Count > 0 && !outcomes.Any(o => o.Ran))
                throw new UsageException("no selected seeded bug can run with this selection: " +
                    string.Join("; ", outcomes.Select(o => $"{o.Bug}: {o.Message}").Distinct()));
            Print(app.Output, outcomes);
            return Survivors(outcomes).Count == 0 ? ExitCodes.Holds : ExitCodes.Failed;
        });
        return command;
    }

    public static IReadOnlyList<MutantOutcome> Run(CliApp app, ulong seed, Budget budget, CampaignSelection selection,
                                                   string outputDirectory, int? maxCases, IReadOnlyList<string> onlyBugs)
    {
        var all = app.Families().SelectMany(f => f.SeededBugs.Select(b => (Family: f, Bug: b))).ToList();
        foreach (string name in onlyBugs)
            if (!all.Any(x => x.Bug.Name == name))
                throw new UsageException($"unknown seeded bug '{name}'; known: {string.Join(", ", all.Select(x => x.Bug.Name).Distinct())}");
        var outcomes = new List<MutantOutcome>();
        foreach ((IVerificationFamily family, SeededBugInfo bug) in all)
        {
            if (onlyBugs.Count > 0 && !onlyBugs.Contains(bug.Name)) continue;
            if (app.Cancellation.IsCancellationRequested) break;
            app.Output.Line($"[mutants] {bug.Name} vs {family.Name} ...");
            outcomes.Add(Hunt(app, family, bug, seed, budget, selection with { SeededBug = bug.Name },
                Path.Combine(outputDirectory, "mutants"), maxCases));
        }
        return outcomes;
    }

    /// <summary>Runs the family's configurations in order, sharing the budget, until a case fails.</summary>
    private static MutantOutcome Hunt(CliApp app, IVerificationFamily family, SeededBugInfo bug, ulong seed, Budget budget,
                                      CampaignSelection selection, string outputDirectory, int? maxCases)
    {
        var clock = Stopwatch.StartNew();
        var runnable = family.Configurations(selection).Where(c => c.Runnable).ToList();
        long casesRun = 0;
        for (int i = 0; i < runnable.Count; i++)
        {
            TimeSpan remaining = budget.Duration - clock.Elapsed;
            if (remaining <= TimeSpan.Zero) break;
            var context = new FamilyContext
            {
                CampaignSeed = seed,
                Shard = Shard.Whole,
                Configuration = runnable[i],
                TimeSlice = remaining / (runnable.Count - i),
                MaxCases = maxCases,
                CounterexampleDirectory = Path.Combine(outputDirectory, "counterexamples"),
                Workload = selection.Workload,
                SeededBug = bug.Name,
                Cancellation = app.Cancellation,
            };
            FamilyResult result = family.Run(context, SilentProgress.Instance);
            casesRun += result.Cases.Count;
            if (result.Failures.FirstOrDefault() is { } failure)
                return new MutantOutcome(bug.Name, bug.Description, family.Name, true, runnable[i].Label, clock.Elapsed, casesRun,
                    failure.CounterexampleLength, failure.CounterexamplePath, failure.Message, failure.ReplayOptions);
        }
        string? why = runnable.Count == 0
            ? family.Configurations(selection).FirstOrDefault(c => !c.Runnable)?.SkipReason ?? "no configuration of the selection can run it"
            : null;
        return new MutantOutcome(bug.Name, bug.Description, family.Name, false, null, clock.Elapsed, casesRun, null, null, why);
    }

    /// <summary>Seeded bugs that ran and that no family killed (a bug nothing could run is "not run", not a survivor).</summary>
    public static IReadOnlyList<string> Survivors(IReadOnlyList<MutantOutcome> outcomes) =>
        outcomes.GroupBy(o => o.Bug).Where(g => g.Any(o => o.Ran) && !g.Any(o => o.Killed)).Select(g => g.Key).ToList();

    public static void Print(CliOutput output, IReadOnlyList<MutantOutcome> outcomes)
    {
        var table = new Table().Border(output.Interactive ? TableBorder.Rounded : TableBorder.Ascii);
        foreach (string column in new[] { "Seeded bug", "Family", "Killed", "Configuration", "Time to kill", "Cases", "Counterexample length" })
            table.AddColumn(column);
        foreach (MutantOutcome o in outcomes)
        {
            table.AddRow(Markup.Escape(o.Bug), Markup.Escape(o.Family),
                o.Killed ? "[green]killed[/]" : o.Ran ? "[red]SURVIVED[/]" : "not run",
                Markup.Escape(o.Configuration ?? "-"), o.Killed ? RateText.Duration(o.TimeToKill) : "-",
                o.CasesRun.ToString(System.Globalization.CultureInfo.InvariantCulture),
                o.CounterexampleLength is { } n ? RateText.Plural(n, "op") : "-");
        }
        output.Line();
        output.Console.Write(table);
        foreach (MutantOutcome o in outcomes)
        {
            output.Line($"  {o.Bug}: {o.Description}");
            if (o.Killed && o.CounterexamplePath is { } path)
                output.Line($"    {o.Message}\n    reproduce with: {ReplayCommand.For(path, o.ReplayOptions)}");
            else if (!o.Ran)
                output.Line($"    not run by {o.Family}: {o.Message}");
            else if (!o.Killed)
                output.Line($"    survived {o.Family} ({RateText.Plural(o.CasesRun, "case")} in {RateText.Seconds(o.TimeToKill)})");
        }
        var byBug = outcomes.GroupBy(o => o.Bug).ToList();
        int ran = byBug.Count(g => g.Any(o => o.Ran));
        int killed = byBug.Count(g => g.Any(o => o.Killed));
        string notRun = ran < byBug.Count ? $" ({byBug.Count - ran} not run with this selection)" : "";
        IReadOnlyList<string> survivors = Survivors(outcomes);
        output.Line(survivors.Count == 0
            ? $"ALL KILLED: {killed}/{ran} seeded bugs{notRun}."
            : $"SURVIVORS: {survivors.Count} of {ran} seeded bugs were not killed: {string.Join(", ", survivors)}{notRun}.");
    }
}
