using PymallocVerify.Properties.Backend.CPython;

namespace PymallocVerify.Cli.Tests;

/// <summary>A fact that needs libpython of one version: skipped, with the reason, where it is not installed.</summary>
public sealed class CPythonInstalledFactAttribute : FactAttribute
{
    public CPythonInstalledFactAttribute(string version)
    {
        if (LibPythonLocator.Find(version, out string why) is null) Skip = why;
    }
}

/// <summary>The cpython family through the command line: run, skip, fail on a seeded bug, replay.</summary>
public class CPythonFamilyTests
{
    [CPythonInstalledFact("3.9")]
    public void Check_runs_the_selected_version_and_lists_versions_of_an_unselected_oracle_as_skipped()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke("check", "--family", "cpython", "--cpython", "3.9,3.11", "--oracle", "classic",
            "--cases", "1", "--out", dir.Path, "--junit", dir.File("junit.xml"));

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Matches(@"(?m)^cpython +cpython3\.9\.\d+/classic +1 +[\d.kM]+ ops ", run.Out); // the loaded library's version
        Assert.Matches(@"(?m)^cpython +cpython3\.11/radix +- ", run.Out);
        Assert.Contains("CPython 3.11 decides with the radix oracle, which is not selected", run.Prose);
        Assert.Contains("skipped", File.ReadAllText(dir.File("junit.xml")));
    }

    [CPythonInstalledFact("3.9")]
    public void A_seeded_port_bug_fails_check_with_a_shrunk_differential_whose_replay_reproduces_it()
    {
        using var dir = new TempDirectory();
        CliRun check = CliHarness.Invoke("check", "--family", "cpython", "--cpython", "3.9", "--seeded-bug", "port-next-size-class",
            "--cases", "2", "--out", dir.Path);

        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        Assert.Contains("cpython 3.9 differential against port-next-size-class: Differential", check.Out);
        string[] replayArgs = Assert.Single(check.ReplayCommands);
        Assert.Equal(["--seeded-bug", "port-next-size-class"], replayArgs[^2..]);

        CliRun replay = CliHarness.Invoke(replayArgs);
        Assert.Equal(ExitCodes.Failed, replay.ExitCode);
        Assert.Contains("STILL FAILS on port-next-size-class", replay.Out);

        CliRun onPort = CliHarness.Invoke("replay", replayArgs[1]);
        Assert.Equal(ExitCodes.Holds, onPort.ExitCode);
        Assert.Contains("HOLDS: the program passes on port (it was found on port-next-size-class", onPort.Out);
    }

    [Fact]
    public void An_unknown_version_or_a_missing_library_is_bad_usage()
    {
        CliRun version = CliHarness.Invoke("check", "--family", "cpython", "--cpython", "3.12");
        Assert.Equal(ExitCodes.BadUsage, version.ExitCode);
        Assert.Contains("--cpython '3.12' is not a version the port has a preset for", Assert.Single(version.ErrLines));

        CliRun library = CliHarness.Invoke("check", "--family", "cpython", "--libpython", "/nonexistent/libpython3.9.so.1.0");
        Assert.Equal(ExitCodes.BadUsage, library.ExitCode);
        Assert.Contains("does not exist", Assert.Single(library.ErrLines));
    }
}
