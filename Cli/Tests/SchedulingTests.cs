using System.Text.Json.Nodes;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Families.Concurrency;
using PymallocVerify.Cli.Families.Workloads;
using PymallocVerify.Cli.Reporting;
using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;

namespace PymallocVerify.Cli.Tests;

/// <summary>
/// How <c>check</c> shares its budget: streams interleaved on every core, every catalogued concurrency scenario reached
/// under every strategy first, cases that stop part-way when the budget is spent, and a summary an 80-column terminal
/// shows whole.
/// </summary>
public class SchedulingTests
{
    [Fact]
    public void The_first_cases_of_the_concurrency_family_meet_every_scenario_strategy_and_access_interleaving_cell()
    {
        using var dir = new TempDirectory();
        var family = new ConcurrencyFamily(iterationsPerCase: 30);
        int cases = ScenarioCatalog.All.Count * ExplorationStrategies.All.Count;
        CliRun run = CliHarness.Invoke(() => [family], "check", "--family", "concurrency",
            "--cases", cases.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        foreach (FamilyConfiguration c in family.Configurations(new CampaignSelection([Geometry.Tiny], [OracleKind.PoolIndex, OracleKind.RadixTree])))
        {
            int cells = family.NewCoverage(c).Expected;
            Assert.True(cells > cases, $"{c.Label}: the scenario cells and the access interleavings");
            Assert.Matches($@"(?m)^concurrency +{c.Label} +{cases} +\S+ its +{cells}/{cells} ", run.Out);
        }
        Assert.DoesNotContain("has not reached", run.Out);
        JsonNode stream = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "report.json")))!["streams"]![0]!;
        Assert.Contains("grow-while-reading/pct", stream["coverage"]!["concurrencyCells"]!.AsObject().Select(p => p.Key));
        Assert.Contains("slot-read before table-publish", stream["coverage"]!["concurrencyCells"]!.AsObject().Select(p => p.Key));
    }

    [Fact]
    public void A_stream_short_of_its_cells_names_the_cells_it_did_not_reach()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke(() => [new ConcurrencyFamily(iterationsPerCase: 2)], "check", "--family", "concurrency",
            "--oracle", "classic", "--cases", "1", "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        string missing = string.Join(" ", run.Out.Split('\n').SkipWhile(l => !l.Contains("has not reached")).TakeWhile(l => l.StartsWith("  ")));
        Assert.Contains("radix-first-arena/probabilistic", missing);
        Assert.DoesNotContain("grow-while-reading/random", missing); // case 0 ran it
    }

    [Fact]
    public void Parallel_workers_check_exactly_the_cases_one_worker_checks()
    {
        string Cases(string jobs)
        {
            using var dir = new TempDirectory();
            CliRun run = CliHarness.Invoke(() => [new WorkloadsFamily(stepsPerCase: 100)], "check", "--cases", "3", "--jobs", jobs,
                "--geometry", "tiny,classic", "--out", dir.Path);
            Assert.Equal(ExitCodes.Holds, run.ExitCode);
            JsonArray streams = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "report.json")))!["streams"]!.AsArray();
            return string.Join("\n", streams.Select(s => $"{s!["configuration"]} {s["cases"]!.ToJsonString()}"));
        }

        string one = Cases("1");
        Assert.Equal(one, Cases("2"));
        Assert.Equal(one, Cases("4"));
    }

    [Fact]
    public void A_Coyote_run_stops_at_the_budget_inside_its_case_and_the_case_is_marked_cut_short()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke(() => [new ConcurrencyFamily(iterationsPerCase: 10_000_000)], "check", "--family", "concurrency",
            "--oracle", "classic", "--budget", "1s", "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        JsonNode stream = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "report.json")))!["streams"]![0]!;
        JsonNode only = Assert.Single(stream["cases"]!.AsArray())!;
        Assert.False((bool)only["completed"]!);
        Assert.InRange((long)only["operations"]!, 1, 10_000_000 - 1);
        Assert.Equal("budget", (string)stream["stoppedBy"]!);
    }

    [Fact]
    public void A_long_workload_stops_at_the_budget_between_steps_and_the_case_is_marked_cut_short()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke(() => [new WorkloadsFamily(stepsPerCase: 300_000)], "check", "--geometry", "tiny",
            "--oracle", "classic", "--budget", "3s", "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        JsonNode only = Assert.Single(JsonNode.Parse(File.ReadAllText(Path.Combine(dir.Path, "report.json")))!["streams"]![0]!["cases"]!.AsArray())!;
        Assert.False((bool)only["completed"]!);
        Assert.InRange((long)only["operations"]!, 1, 300_000 - 1);
    }

    [Fact]
    public void The_summary_and_the_verdict_fit_80_columns_with_the_longest_names_and_numbers_there_are()
    {
        var settings = new CampaignSettings
        {
            Seed = 1,
            Budget = new Options.Budget(TimeSpan.FromHours(100)),
            Selection = new CampaignSelection(Geometry.Presets, [OracleKind.PoolIndex, OracleKind.RadixTree]),
            OutputDirectory = "out",
        };
        var results = new List<FamilyResult>();
        foreach (IVerificationFamily family in FamilyCatalog.Default())
        {
            foreach (FamilyConfiguration c in family.Configurations(settings.Selection))
            {
                results.Add(new FamilyResult(family.Name, c with { SkipReason = null },
                    [.. Enumerable.Range(0, 123_456).Select(i => new CaseRecord(i, 1, 1, true))], 987_654_321_012, family.NewCoverage(c), [],
                    StopReason.CaseLimit, TimeSpan.FromSeconds(99_999.9)) { OperationUnit = family.OperationUnit });
            }
        }
        var stdout = new StringWriter();
        var output = new CliOutput(stdout, new StringWriter(), interactive: false);
        var report = new CampaignReport(settings, results, TimeSpan.Zero);
        SummaryTable.Write(output, report);
        FailureListing.Write(output, report);
        Assert.Contains("HOLDS: ", stdout.ToString());

        string[] lines = stdout.ToString().Split('\n');
        Assert.True(lines.Length > results.Count, stdout.ToString());
        Assert.All(lines, l => Assert.True(l.TrimEnd('\r').Length <= SummaryTable.Width, $"{l.Length} columns: {l}"));
    }
}
