using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Commands;
using PymallocVerify.Properties;
using PymallocVerify.Properties.Teeth;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Tests;

/// <summary>The FsCheck properties through the command line: run, fail on a seeded bug, replay, and the corpus.</summary>
public class PropertiesFamilyTests
{
    private static string RepositoryFile(string relative) => Path.Combine(ArtifactPaths.RepositoryRoot(), relative);

    [Fact]
    public void Check_runs_the_properties_on_every_geometry_with_the_classic_oracle()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke("check", "--family", "properties", "--cases", "1", "--oracle", "classic", "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        foreach (string geometry in new[] { "classic", "modern", "tiny" })
            Assert.Matches($@"(?m)^properties +{geometry}/classic +1 +[\d.kM]+ ops ", run.Out);
    }

    [Fact]
    public void A_seeded_tooth_fails_check_with_a_shrunk_counterexample_whose_replay_command_reproduces_it()
    {
        using var dir = new TempDirectory();
        CliRun check = CliHarness.Invoke("check", "--family", "properties", "--seeded-bug", "no-range-check",
            "--cases", "5", "--out", dir.Path);

        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        Assert.Matches(@"(?m)^properties +micro/classic ", check.Out);
        Assert.Matches(@"counterexample: .*\((\d) operations?\)", check.Out); // shrunk to a handful
        string[] replayArgs = Assert.Single(check.ReplayCommands);
        Assert.Equal(["--seeded-bug", "no-range-check"], replayArgs[^2..]);

        CliRun replay = CliHarness.Invoke(replayArgs);
        Assert.Equal(ExitCodes.Failed, replay.ExitCode);
        Assert.Contains("FAIL at step", replay.Out);
        Assert.Contains("STILL FAILS on no-range-check", replay.Out);

        CliRun onReal = CliHarness.Invoke("replay", replayArgs[1]);
        Assert.Equal(ExitCodes.Holds, onReal.ExitCode);
        Assert.Contains("HOLDS: the program passes on real (it was found on no-range-check", onReal.Out);
    }

    [Theory]
    [InlineData("no-bound-check")]
    [InlineData("stale-slot-after-release")]
    public void Regression_corpus_files_pass_on_the_real_allocator_and_fail_on_their_bug(string tooth)
    {
        string file = RepositoryFile($"Properties/Regressions/teeth-{tooth}.json");

        CliRun real = CliHarness.Invoke("replay", file);
        Assert.Equal(ExitCodes.Holds, real.ExitCode);
        Assert.Contains("PASS", real.Out);

        CliRun seeded = CliHarness.Invoke("replay", file, "--seeded-bug", tooth);
        Assert.Equal(ExitCodes.Failed, seeded.ExitCode);
        Assert.Contains("steps:", seeded.Out);
    }

    [Fact]
    public void An_unknown_variant_on_replay_is_bad_usage()
    {
        CliRun run = CliHarness.Invoke("replay", RepositoryFile("Properties/Regressions/teeth-no-bound-check.json"), "--seeded-bug", "nope");
        Assert.Equal(ExitCodes.BadUsage, run.ExitCode);
        Assert.Contains("unknown seeded bug 'nope'", Assert.Single(run.ErrLines));

        CliRun race = CliHarness.Invoke("replay", RepositoryFile("Properties/Regressions/teeth-no-bound-check.json"), "--seeded-bug", "mutation-skips-lock");
        Assert.Equal(ExitCodes.BadUsage, race.ExitCode);
        Assert.Contains("mutation-skips-lock is a race", Assert.Single(race.ErrLines));

        // --libpython names the library a file found on libpython replays on; this one was found on the port.
        using var dir = new TempDirectory();
        File.WriteAllText(dir.File("libpython3.11.so.1.0"), "");
        CliRun library = CliHarness.Invoke("replay", RepositoryFile("Properties/Regressions/teeth-no-bound-check.json"),
            "--libpython", dir.File("libpython3.11.so.1.0"));
        Assert.Equal(ExitCodes.BadUsage, library.ExitCode);
        Assert.Contains("--libpython applies to a counterexample found on libpython", Assert.Single(library.ErrLines));
    }

    [Fact]
    public void Every_heap_bug_is_hunted_on_the_backend_the_teeth_tests_hunt_it_on()
    {
        IReadOnlyList<IVerificationFamily> families = FamilyCatalog.Default();
        foreach (Tooth tooth in TeethCatalog.All)
            Assert.Equal(tooth.Simulated is null ? "properties" : "memcheck", MutantsCommand.HuntingFamily(families, tooth.Bug)?.Name);
        var exhaustive = new Families.Exhaustive.ExhaustiveFamily();
        Assert.Equal(TeethCatalog.All.Where(t => t.IsOracleBug).Select(t => t.Name),
            SeededBugCatalog.All.Where(exhaustive.Runs).Select(b => b.Name));
    }
}
