using System.Text.Json.Nodes;
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
        Assert.Matches(@"(?m)^cpython +cpython3\.9/classic +1 +[\d.kM]+ ops ", run.Out); // the minor version: it seeds the cases
        Assert.Matches(@"  cpython3\.9/classic: CPython 3\.9\.\d+ from /\S+libpython3\.9\S* \(", run.Out); // the file and release that ran
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
        Assert.Contains("cpython 3.9 differential against port-next-size-class: Differential", check.Prose);
        string[] replayArgs = Assert.Single(check.ReplayCommands);
        Assert.Equal(["--seeded-bug", "port-next-size-class"], replayArgs[^2..]);

        CliRun replay = CliHarness.Invoke(replayArgs);
        Assert.Equal(ExitCodes.Failed, replay.ExitCode);
        Assert.Contains("STILL FAILS on port-next-size-class", replay.Out);

        CliRun onPort = CliHarness.Invoke("replay", replayArgs[1]);
        Assert.Equal(ExitCodes.Holds, onPort.ExitCode);
        Assert.Contains("HOLDS: the program passes on port (it was found on port-next-size-class", onPort.Out);
    }

    [CPythonInstalledFact("3.9")]
    public void A_counterexample_found_with_libpython_replays_on_the_library_named_by_libpython()
    {
        using var dir = new TempDirectory();
        // A copy under another directory, so only --libpython can lead the replay to it.
        string library = dir.File("libpython3.9.so.1.0");
        File.Copy(LibPythonLocator.Find("3.9", out _)!.Path, library);
        CliRun check = CliHarness.Invoke("check", "--family", "cpython", "--cpython", "3.9", "--seeded-bug", "port-next-size-class",
            "--libpython", library, "--cases", "2", "--out", dir.Path);

        Assert.Equal(ExitCodes.Failed, check.ExitCode);
        Assert.Contains($"cpython3.9/classic: CPython 3.9.", check.Out);
        Assert.Contains($"from {library} (explicit)", check.Out);
        string[] replayArgs = Assert.Single(check.ReplayCommands);
        Assert.Equal(["--seeded-bug", "port-next-size-class", "--libpython", library], replayArgs[^4..]);

        CliRun replay = CliHarness.Invoke(replayArgs);
        Assert.Equal(ExitCodes.Failed, replay.ExitCode);
        Assert.Contains($"libpython: {library} (explicit)", replay.Out);
        Assert.Contains("STILL FAILS on port-next-size-class", replay.Out);

        CliRun onPort = CliHarness.Invoke("replay", replayArgs[1], "--libpython", library);
        Assert.Equal(ExitCodes.Holds, onPort.ExitCode);
        Assert.Contains($"libpython: {library} (explicit)", onPort.Out);

        CliRun otherVersion = CliHarness.Invoke("replay", replayArgs[1], "--libpython", dir.File("libpython3.11.so.1.0"));
        Assert.Equal(ExitCodes.BadUsage, otherVersion.ExitCode); // missing, and of another version
        File.Copy(library, dir.File("libpython3.11.so.1.0"));
        otherVersion = CliHarness.Invoke("replay", replayArgs[1], "--libpython", dir.File("libpython3.11.so.1.0"));
        Assert.Equal(ExitCodes.BadUsage, otherVersion.ExitCode);
        Assert.Contains("--libpython names no libpython3.9", Assert.Single(otherVersion.ErrLines));

        CliRun missing = CliHarness.Invoke("replay", replayArgs[1], "--libpython", dir.File("gone/libpython3.9.so.1.0"));
        Assert.Equal(ExitCodes.BadUsage, missing.ExitCode);
        Assert.Contains("does not exist", Assert.Single(missing.ErrLines));

        CliRun help = CliHarness.Invoke("replay", "--help");
        Assert.Contains("--libpython", help.Out);
    }

    [CPythonInstalledFact("3.11")]
    public void A_seed_checks_the_same_cases_whatever_patch_release_of_a_version_is_loaded()
    {
        // Two different 3.11 files where the machine has them (pyenv's and Debian's); else the one, copied: the labels and
        // case seeds must not depend on the file or its release.
        string found = LibPythonLocator.Find("3.11", out _)!.Path;
        string other = new[] { "/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0" }.FirstOrDefault(p => File.Exists(p) && p != found) ?? found;
        using var dir = new TempDirectory();
        string Run(string library, string name)
        {
            CliRun run = CliHarness.Invoke("check", "--family", "cpython", "--cpython", "3.11", "--libpython", library,
                "--seed", "11", "--cases", "1", "--out", dir.File(name));
            Assert.Equal(ExitCodes.Holds, run.ExitCode);
            Assert.Matches(@"(?m)^cpython +cpython3\.11/radix +1 ", run.Out);
            Assert.Contains($"from {library} (explicit)", run.Out);
            JsonNode stream = JsonNode.Parse(File.ReadAllText(Path.Combine(dir.File(name), "report.json")))!["streams"]![0]!;
            JsonNode only = stream["cases"]![0]!;
            return $"{stream["configuration"]} case {only["index"]} seed {only["seed"]}: {only["operations"]} operations";
        }
        string first = Run(found, "a"), second = Run(other, "b");
        Assert.StartsWith("cpython3.11/radix case 0 seed ", first);
        Assert.Equal(first, second); // the same programs: the same seed and the same number of operations
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
