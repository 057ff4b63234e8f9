namespace PymallocVerify.Cli.Tests;

/// <summary>--help shows defaults as a user writes them and lists the exit codes.</summary>
public class HelpTextTests
{
    [Fact]
    public void Check_help_shows_written_defaults_and_every_exit_code()
    {
        CliRun run = CliHarness.Invoke("check", "--help");
        Assert.Equal(0, run.ExitCode);
        Assert.Contains("[default: 60s]", run.Out);
        Assert.Contains("[default: all]", run.Out);
        Assert.Contains("[default: 1/1]", run.Out);
        Assert.DoesNotContain("Geometry {", run.Out);
        Assert.DoesNotContain("System.", run.Out);
        foreach (string code in new[] { "0 every requested case ran and held", "1 a failure", "2 bad usage or an I/O error", "130", "143", "3 a bug" })
            Assert.Contains(code, run.Out);
    }

    [Fact]
    public void Replay_and_stats_help_show_their_exit_codes_and_defaults()
    {
        CliRun replay = CliHarness.Invoke("replay", "--help");
        Assert.Contains("2 the file cannot be used", replay.Out);
        CliRun stats = CliHarness.Invoke("stats", "--help");
        Assert.Contains("[default: modern]", stats.Out);
        Assert.Contains("[default: mixed]", stats.Out);
        Assert.Contains("at most 1,000,000", stats.Out);
    }
}
