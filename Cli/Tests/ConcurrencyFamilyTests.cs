using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using PymallocVerify.Cli.Families.Concurrency;

namespace PymallocVerify.Cli.Tests;

/// <summary>The Coyote family through the command line: runs, fails on a seeded race, and its file replays.</summary>
public class ConcurrencyFamilyTests
{
    [Fact]
    public void Check_runs_the_Coyote_scenarios_for_both_oracles_on_tiny()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke("check", "--family", "concurrency", "--cases", "1", "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        int iterations = new ConcurrencyFamily().IterationsPerCase;
        Assert.Matches($@"(?m)^concurrency +tiny/classic +1 +{iterations} its ", run.Out);
        Assert.Matches($@"(?m)^concurrency +tiny/radix +1 +{iterations} its ", run.Out);
        Assert.DoesNotContain("classic/classic", run.Out); // only tiny configurations are listed
    }

    [Fact]
    public void A_seeded_race_fails_check_and_its_replay_command_reproduces_the_interleaving()
    {
        using var dir = new TempDirectory();
        CliRun check = CliHarness.Invoke("check", "--family", "concurrency", "--seeded-bug", "table-reclaimed-while-read",
            "--cases", "6", "--out", dir.Path);

        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        Assert.DoesNotContain("tiny/radix", check.Out); // the bug corrupts the classic oracle's reads: only that oracle runs it
        string[] replayArgs = Assert.Single(check.ReplayCommands);

        CliRun replay = CliHarness.Invoke(replayArgs);
        Assert.Equal(ExitCodes.Failed, replay.ExitCode);
        Assert.Contains("scenario grow-while-reading", replay.Out);
        Assert.Contains("STILL FAILS: the recorded interleaving reproduces", replay.Out);
        // The failure came back word for word: its history is printed once (from the file), not again by the replay.
        Assert.Contains("the same history and explanation as recorded", replay.Out);
        Assert.Single(Regex.Matches(replay.Out, "deepest linearizable prefix"));

        // The same interleaving without the bug: the replay runs clean and exits 0.
        JsonNode file = JsonNode.Parse(File.ReadAllText(replayArgs[1]))!;
        file["bug"] = null;
        string fixedPath = dir.File("fixed.json");
        File.WriteAllText(fixedPath, file.ToJsonString());
        CliRun fixedReplay = CliHarness.Invoke("replay", fixedPath);
        Assert.Equal(ExitCodes.Holds, fixedReplay.ExitCode);
        Assert.Contains("HOLDS under the recorded interleaving", fixedReplay.Out);
    }

    [Fact]
    public void Coyote_stays_quiet_until_the_last_of_two_overlapping_engines_ends()
    {
        TextWriter saved = Console.Out;
        var console = new StringWriter();
        Console.SetOut(console);
        try
        {
            var first = new QuietConsole();
            var second = new QuietConsole();
            Console.Write("while both run;");
            first.Dispose(); // the engines end in the order they started, not nested
            Console.Write("while the second runs;");
            second.Dispose();
            Console.Write("after both");
        }
        finally
        {
            Console.SetOut(saved);
        }
        Assert.Equal("after both", console.ToString());
    }
}
