using System.Text.Json.Nodes;

namespace PymallocVerify.Cli.Tests;

/// <summary>
/// The end-to-end promise: a broken allocator (a bug of the seeded-bug catalog) makes <c>check</c> exit 1, print the
/// counterexample file and the exact replay command, and that command reproduces the failure (exit 1) until the bug is
/// gone (exit 0: the same file on the real allocator).
/// </summary>
public class SeededBugReplayTests
{
    [Theory]
    [InlineData("no-range-check", "properties,exhaustive,workloads")]  // an oracle bug: every sequential family runs it
    [InlineData("arena-index-not-written", "properties,workloads")]    // an allocator bug, through a hook
    [InlineData("radix-last-leaf-not-zeroed", "properties,workloads")] // right answers: only the oracle's invariants see it
    public void Check_fails_in_every_family_that_runs_the_bug_and_each_printed_replay_command_reproduces_it(string bug, string families)
    {
        using var dir = new TempDirectory();
        CliRun check = CliHarness.Invoke("check", "--budget", "5m", "--cases", "3", "--geometry", "classic,tiny",
            "--out", dir.Path, "--seeded-bug", bug);

        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        Assert.Contains($"SEEDED BUG {bug}", check.Out);
        JsonNode report = JsonNode.Parse(File.ReadAllText(dir.File("report.json")))!;
        var failed = report["streams"]!.AsArray().Where(s => s!["failures"]!.AsArray().Count > 0)
            .Select(s => s!["family"]!.GetValue<string>()).Distinct();
        Assert.Equal(families.Split(','), failed);
        Assert.NotEmpty(check.ReplayCommands);

        foreach (string[] replayArgs in check.ReplayCommands)
        {
            Assert.Equal(["--seeded-bug", bug], replayArgs[^2..]);
            CliRun replay = CliHarness.Invoke(replayArgs);
            Assert.True(replay.ExitCode == ExitCodes.Failed, replay.Out + replay.Err);
            Assert.Contains($"STILL FAILS on {bug}", replay.Out);

            CliRun onReal = CliHarness.Invoke("replay", replayArgs[1]);
            Assert.True(onReal.ExitCode == ExitCodes.Holds, onReal.Out + onReal.Err);
            Assert.Contains($"HOLDS: the program passes on real (it was found on {bug}", onReal.Out);
        }
    }
}
