using System.Text.Json.Nodes;
using System.Xml.Linq;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Families.Properties;
using PymallocVerify.Cli.Families.Workloads;
using PymallocVerify.Cli.Reporting;

namespace PymallocVerify.Cli.Tests;

public class CheckCommandTests
{
    /// <summary>The plumbing tests run short workloads: what they check is the command, not the workload.</summary>
    public static IReadOnlyList<IVerificationFamily> ShortWorkloads() => [new WorkloadsFamily(stepsPerCase: 200)];

    /// <summary>A family with a configuration it refuses: memcheck keeps the page rule (no classic oracle on modern).</summary>
    private static IReadOnlyList<IVerificationFamily> ShortMemcheck() => [new MemcheckFamily(casesPerRun: 2)];

    [Fact]
    public void A_healthy_allocator_holds_exit_0_with_progress_summary_table_and_report()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke(ShortWorkloads, "check", "--budget", "5m", "--cases", "2", "--geometry", "classic,tiny",
            "--oracle", "classic", "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Equal("", run.Err);
        Assert.Contains("[workloads classic/classic] start", run.Out);              // plain progress lines (no terminal)
        Assert.Contains("[workloads tiny/classic] holds: 2 cases", run.Out);
        Assert.Matches(@"(?m)^family +configuration +cases +checked +cover +stopped by +time$", run.Out); // summary table header
        Assert.Matches(@"(?m)^workloads +tiny/classic +2 +[\d.kM]+ ops ", run.Out);
        Assert.Contains("HOLDS: 2 streams, 4 cases", run.Out);
        Assert.DoesNotContain("reproduce with:", run.Out);

        JsonNode report = JsonNode.Parse(File.ReadAllText(dir.File("report.json")))!;
        Assert.True(report["holds"]!.GetValue<bool>());
        Assert.Equal(2, report["streams"]!.AsArray().Count);
        Assert.All(report["streams"]!.AsArray(), s => Assert.Equal("caseLimit", s!["stoppedBy"]!.GetValue<string>()));
    }

    [Fact]
    public void Unrunnable_configurations_are_listed_as_skipped_with_the_reason()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke(ShortMemcheck, "check", "--budget", "5m", "--cases", "1", "--geometry", "modern,tiny",
            "--oracle", "classic", "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Matches(@"(?m)^memcheck +modern/classic +- +- +- +skipped +-$", run.Out);
        Assert.Contains("skipped memcheck modern/classic: invalid geometry 'modern': the pool-header oracle needs POOL_SIZE <= page size", run.Prose);
    }

    [Fact]
    public void JUnit_report_has_one_testcase_per_configuration_and_marks_skips()
    {
        using var dir = new TempDirectory();
        string junit = dir.File("reports/junit.xml");
        CliRun run = CliHarness.Invoke(ShortMemcheck, "check", "--budget", "5m", "--cases", "1", "--geometry", "modern,tiny",
            "--oracle", "classic", "--out", dir.Path, "--junit", junit);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        XElement suites = XDocument.Load(junit).Root!;
        Assert.Equal("testsuites", suites.Name.LocalName);
        Assert.Equal("2", suites.Attribute("tests")!.Value);
        Assert.Equal("0", suites.Attribute("failures")!.Value);
        Assert.Equal("1", suites.Attribute("skipped")!.Value);
        XElement suite = Assert.Single(suites.Elements("testsuite"));
        Assert.Equal("memcheck", suite.Attribute("name")!.Value);
        Assert.Contains(suite.Element("properties")!.Elements("property"),
            p => p.Attribute("name")!.Value == "shard" && p.Attribute("value")!.Value == "1/1");
        var cases = suite.Elements("testcase").ToList();
        Assert.Equal(["modern/classic", "tiny/classic"], cases.Select(c => c.Attribute("name")!.Value));
        Assert.NotNull(cases[0].Element("skipped"));
        Assert.Null(cases[1].Element("failure"));
    }

    [Fact]
    public void A_failure_is_a_failure_element_in_JUnit_with_the_replay_command()
    {
        using var dir = new TempDirectory();
        string junit = dir.File("junit.xml");
        CliRun run = CliHarness.Invoke("check", "--family", "properties", "--budget", "5m", "--cases", "2", "--oracle", "classic",
            "--out", dir.Path, "--junit", junit, "--seeded-bug", "no-range-check");

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        XElement failure = XDocument.Load(junit).Descendants("failure").Single();
        Assert.Contains($"reproduce with: {ReplayCommand.Prefix} /", failure.Value);
        Assert.Equal("1", XDocument.Load(junit).Root!.Attribute("failures")!.Value);
    }
}

public class InteractiveOutputTests
{
    [Fact]
    public void On_a_terminal_check_shows_live_progress_then_the_same_summary()
    {
        using var dir = new TempDirectory();
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var app = new CliApp(new Reporting.CliOutput(stdout, stderr, interactive: true), CheckCommandTests.ShortWorkloads);
        int exit = app.Run(["check", "--cases", "2", "--geometry", "tiny", "--oracle", "classic", "--out", dir.Path]);

        string output = stdout.ToString();
        Assert.Equal(ExitCodes.Holds, exit);
        Assert.DoesNotContain("[workloads tiny/classic] start", output); // no plain progress lines on a terminal
        Assert.Contains("workloads tiny/classic: 2 cases", output);  // the live task's final description
        Assert.Contains("HOLDS: 1 stream, 2 cases", output);
        Assert.Equal("", stderr.ToString());
    }
}
