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
        // Each case's detail: depth, states, transitions and the reduction factor; the last one is shown under the table.
        string[] detail = [.. stream["cases"]!.AsArray().Select(c => (string)c!["detail"]!)];
        for (int k = 0; k < 3; k++)
        {
            // A case deepens the stream's exploration by one level: it counts the states that level added, the
            // detail the session's total.
            Assert.StartsWith($"depth {k + 1} of {k + 1} complete, {states.Take(k + 1).Sum():N0} states, ", detail[k]);
            Assert.Contains("merged by symmetry (reduction factor >= ", detail[k]);
        }
        Assert.Contains($"exhaustive tiny/classic: {detail[2]}", run.Prose);
    }

    [Fact]
    public void Exhaustive_exploration_stops_inside_a_depth_at_the_budget_and_says_so()
    {
        // The budget can also run out in the few milliseconds between a depth's end and the next case's start (the
        // stream then stops between cases, every case complete): a run that did so is tried again with another budget.
        foreach (string budget in new[] { "2s", "3s", "5s" })
        {
            using var dir = new TempDirectory();
            CliRun run = CliHarness.Invoke("check", "--family", "exhaustive", "--oracle", "classic", "--budget", budget, "--out", dir.Path);

            Assert.Equal(ExitCodes.Holds, run.ExitCode);
            JsonNode stream = JsonNode.Parse(File.ReadAllText(dir.File("report.json")))!["streams"]![0]!;
            JsonArray cases = stream["cases"]!.AsArray();
            // Every case but the last finished its depth; the last was cut short by the budget (no box finishes depth 12
            // in a few seconds), and its detail says which depth it completed.
            Assert.All(cases.Take(cases.Count - 1), c => Assert.True(c!["completed"]!.GetValue<bool>()));
            if (cases[^1]!["completed"]!.GetValue<bool>()) continue;
            Assert.Matches($@"^depth \d+ of {cases.Count} complete \(depth {cases.Count} cut short\)", (string)cases[^1]!["detail"]!);
            return;
        }
        Assert.Fail("every run stopped between two depths; none was cut inside one");
    }

    [Fact]
    public void Exhaustive_exploration_finds_an_oracle_bug_with_a_shortest_counterexample_that_replays()
    {
        using var dir = new TempDirectory();
        CliRun check = CliHarness.Invoke("check", "--family", "exhaustive", "--seeded-bug", "no-zero-base-check", "--out", dir.Path);

        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        Assert.Contains("shortest counterexample (2 operations)", check.Prose);
        string[] replay = Assert.Single(check.ReplayCommands);
        Assert.Equal(["--seeded-bug", "no-zero-base-check"], replay[^2..]);
        Assert.Equal(ExitCodes.Failed, CliHarness.Invoke(replay).ExitCode);
        Assert.Equal(ExitCodes.Holds, CliHarness.Invoke("replay", replay[1]).ExitCode);
    }
}
