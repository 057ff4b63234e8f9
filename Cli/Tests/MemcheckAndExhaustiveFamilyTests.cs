using System.Text.Json.Nodes;

namespace PymallocVerify.Cli.Tests;

/// <summary>Memcheck in the loop and bounded exhaustive exploration through the command line.</summary>
public class MemcheckAndExhaustiveFamilyTests
{
    [Fact]
    public void Memcheck_runs_the_properties_on_the_simulated_space_and_refuses_modern_with_the_classic_oracle()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke("check", "--family", "memcheck", "--cases", "1", "--geometry", "tiny,modern", "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Matches(@"(?m)^memcheck +tiny/classic +1 +[\d.kM]+ ops ", run.Out);
        Assert.Matches(@"(?m)^memcheck +modern/radix +1 ", run.Out);
        Assert.Contains("skipped memcheck modern/classic: invalid geometry 'modern': the pool-header oracle needs POOL_SIZE <= page size", run.Prose);
    }

    [Fact]
    public void A_bug_only_memcheck_sees_fails_check_and_replays()
    {
        using var dir = new TempDirectory();
        CliRun check = CliHarness.Invoke("check", "--family", "memcheck", "--seeded-bug", "index-read-twice", "--cases", "5", "--out", dir.Path);

        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        Assert.Contains("Memcheck at step", check.Out);
        string[] replay = Assert.Single(check.ReplayCommands);
        Assert.Equal(ExitCodes.Failed, CliHarness.Invoke(replay).ExitCode);
        Assert.Equal(ExitCodes.Holds, CliHarness.Invoke("replay", replay[1]).ExitCode); // the real allocator is clean
    }

    [Fact]
    public void Exhaustive_case_k_explores_every_sequence_to_depth_k_plus_one()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke("check", "--family", "exhaustive", "--cases", "3", "--oracle", "classic", "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Matches(@"(?m)^exhaustive +tiny/classic +3 +[\d.kM]+ states ", run.Out);
        JsonNode stream = JsonNode.Parse(File.ReadAllText(dir.File("report.json")))!["streams"]![0]!;
        long[] states = stream["cases"]!.AsArray().Select(c => c!["operations"]!.GetValue<long>()).ToArray();
        Assert.True(states[0] < states[1] && states[1] < states[2], string.Join(", ", states)); // deeper = more states
        Assert.All(stream["cases"]!.AsArray(), c => Assert.True(c!["completed"]!.GetValue<bool>()));
    }

    [Fact]
    public void Exhaustive_exploration_finds_an_oracle_bug_with_a_shortest_counterexample_that_replays()
    {
        using var dir = new TempDirectory();
        CliRun check = CliHarness.Invoke("check", "--family", "exhaustive", "--seeded-bug", "no-zero-base-check", "--out", dir.Path);

        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        Assert.Contains("shortest counterexample (2 operations)", check.Out);
        string[] replay = Assert.Single(check.ReplayCommands);
        Assert.Equal(["--seeded-bug", "no-zero-base-check"], replay[^2..]);
        Assert.Equal(ExitCodes.Failed, CliHarness.Invoke(replay).ExitCode);
        Assert.Equal(ExitCodes.Holds, CliHarness.Invoke("replay", replay[1]).ExitCode);
    }
}
