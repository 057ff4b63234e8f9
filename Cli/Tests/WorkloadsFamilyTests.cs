using System.Text.Json.Nodes;
using PymallocVerify.Cli.Families.Workloads;
using PymallocVerify.Properties.Generation;

namespace PymallocVerify.Cli.Tests;

/// <summary>The long workloads through the command line: every shape in turn, coverage, a shrunk and replayable failure.</summary>
public class WorkloadsFamilyTests
{
    [Fact]
    public void Cases_run_mixed_churn_fill_in_turn_and_reach_the_address_kinds_they_aim_at_under_many_garbage_classes()
    {
        Assert.Equal([WorkloadShape.Mixed, WorkloadShape.Churn, WorkloadShape.Fill, WorkloadShape.Mixed],
            Enumerable.Range(0, 4).Select(k => WorkloadsFamily.ShapeOf(k)));

        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke("check", "--family", "workloads", "--cases", "3", "--geometry", "tiny", "--oracle", "classic",
            "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Matches($@"(?m)^workloads +tiny/classic +3 +[\d.kM]+ ops ", run.Out);
        JsonNode stream = JsonNode.Parse(File.ReadAllText(dir.File("report.json")))!["streams"]![0]!;
        Assert.All(stream["cases"]!.AsArray(), c => Assert.Equal(new WorkloadsFamily().StepsPerCase, c!["operations"]!.GetValue<long>()));
        Assert.Empty(stream["coverage"]!["missing"]!.AsArray());
        Assert.Equal(3, stream["coverage"]!["addressKinds"]!.AsObject().Count);
        Assert.True(stream["coverage"]!["garbageClasses"]!.AsObject().Count >= 6, stream["coverage"]!.ToJsonString());
        Assert.DoesNotContain("has not reached", run.Out);
    }

    [Fact]
    public void A_seeded_bug_fails_with_a_shrunk_counterexample_in_the_properties_file_format_that_replays()
    {
        using var dir = new TempDirectory();
        CliRun check = CliHarness.Invoke("check", "--family", "workloads", "--seeded-bug", "no-range-check", "--cases", "3",
            "--geometry", "classic", "--out", dir.Path);

        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        Assert.Contains("workload, Ownership at step", check.Prose);
        Assert.Matches(@"counterexample: .*workloads-classic-classic-no-range-check-case\d+-[0-9a-f]{16}\.json \(\d operations?\)", check.Out);
        string[] replay = Assert.Single(check.ReplayCommands);
        JsonNode file = JsonNode.Parse(File.ReadAllText(replay[1]))!;
        Assert.Equal("pymalloc-verify/counterexample", file["format"]!.GetValue<string>());
        Assert.Equal("no-range-check", file["variant"]!.GetValue<string>());
        Assert.Equal(ExitCodes.Failed, CliHarness.Invoke(replay).ExitCode);
        Assert.Equal(ExitCodes.Holds, CliHarness.Invoke("replay", replay[1]).ExitCode);
    }
}
