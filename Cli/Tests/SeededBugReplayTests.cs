using System.Text.Json.Nodes;
using PymallocVerify.Cli.SeededBugs;

namespace PymallocVerify.Cli.Tests;

/// <summary>
/// The end-to-end promise: a broken allocator makes <c>check</c> exit 1, print the counterexample file and the
/// exact replay command, and that command reproduces the failure (exit 1) until the bug is gone (exit 0).
/// </summary>
public class SeededBugReplayTests
{
    public static TheoryData<string> Bugs => new(CliSeededBugs.Names);

    [Theory]
    [MemberData(nameof(Bugs))]
    public void Check_fails_and_its_printed_replay_command_reproduces_the_failure(string bug)
    {
        using var dir = new TempDirectory();
        CliRun check = CliHarness.Invoke("check", "--budget", "5m", "--cases", "3", "--geometry", "classic,tiny",
            "--oracle", "classic", "--out", dir.Path, "--seeded-bug", bug);

        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        Assert.Contains("FAILED: 2 failures", check.Out);
        Assert.Contains("counterexample: ", check.Out);
        Assert.Equal(2, check.ReplayCommands.Count);

        foreach (string[] replayArgs in check.ReplayCommands)
        {
            string path = replayArgs[1];
            Assert.True(File.Exists(path), path);
            JsonNode file = JsonNode.Parse(File.ReadAllText(path))!;
            int failedAt = file["failedAtStep"]!.GetValue<int>();
            Assert.Equal(bug, file["seededBug"]!.GetValue<string>());

            CliRun replay = CliHarness.Invoke(replayArgs);
            Assert.Equal(ExitCodes.Failed, replay.ExitCode);
            Assert.Contains($"STILL FAILS at step {failedAt}: ", replay.Out);
            // The same failure, up to where real memory put the blocks this time.
            Assert.Contains(WithoutAddresses(file["failure"]!.GetValue<string>()), WithoutAddresses(replay.Out));

            // The same program on the real allocator (no --seeded-bug): the replay holds and exits 0.
            Assert.Equal(["replay", path, "--seeded-bug", bug], replayArgs);
            CliRun fixedReplay = CliHarness.Invoke("replay", path);
            Assert.Equal(ExitCodes.Holds, fixedReplay.ExitCode);
            Assert.Contains("HOLDS: all ", fixedReplay.Out);
        }
    }

    private static string WithoutAddresses(string text) =>
        System.Text.RegularExpressions.Regex.Replace(text, "0x[0-9a-f]{9,}", "0x?");

    [Fact]
    public void The_counterexample_is_the_failing_prefix_of_the_workload()
    {
        using var dir = new TempDirectory();
        CliRun check = CliHarness.Invoke("check", "--budget", "5m", "--cases", "1", "--geometry", "tiny", "--oracle", "classic",
            "--out", dir.Path, "--seeded-bug", CliSeededBugs.OracleNoBoundCheck);
        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        JsonNode file = JsonNode.Parse(File.ReadAllText(check.ReplayCommands.Single()[1]))!;

        Assert.Equal(file["failedAtStep"]!.GetValue<int>() + 1, file["steps"]!.GetValue<int>());
        Assert.Equal(2000, file["plannedSteps"]!.GetValue<int>());
        Assert.Matches(@"\(\d+ operations?\)", check.Out);
    }
}
