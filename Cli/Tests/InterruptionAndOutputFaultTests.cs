using System.Diagnostics;
using System.Xml.Linq;
using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Tests;

/// <summary>
/// Faults around a running check, as CI meets them: SIGINT and SIGTERM to a real process (it stops, lists, writes
/// report.json and JUnit with the cut streams skipped, says INTERRUPTED and exits 130/143), an unwritable --out, a
/// JUnit path on a full device, and two runs on one --out. The only time asserted is a generous bound on stopping.
/// </summary>
public class InterruptionAndOutputFaultTests
{
    private static readonly string Tool = Path.Combine(AppContext.BaseDirectory, "pymalloc-verify.dll");

    [Theory]
    [InlineData("INT", 2, ExitCodes.Interrupted)]
    [InlineData("TERM", 15, ExitCodes.Terminated)]
    public async Task A_signal_stops_check_with_reports_written_and_the_interrupted_exit_code(string name, int signal, int expectedExit)
    {
        _ = name;
        using var dir = new TempDirectory();
        string junit = dir.File("junit.xml");
        (int exit, string output, string errors) = await Signalled(
            [Tool, "check", "--budget", "60s", "--out", dir.File("out"), "--junit", junit],
            line => line.Contains(" start: ", StringComparison.Ordinal), TimeSpan.FromSeconds(2), signal);

        Assert.True(exit == expectedExit, $"exit {exit}\n{output}\n{errors}");
        Assert.Contains("INTERRUPTED", output);
        Assert.DoesNotContain("HOLDS", output);
        Assert.True(File.Exists(dir.File(Path.Combine("out", "report.json"))), output);
        XDocument report = XDocument.Load(junit);
        Assert.True(int.Parse(report.Root!.Attribute("skipped")!.Value) > 0, report.ToString());
        Assert.Contains(report.Descendants("skipped"), s => ((string?)s.Attribute("message"))!.StartsWith("interrupted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_signal_stops_mutants_with_what_was_hunted_listed_and_no_verdict_on_the_rest()
    {
        using var dir = new TempDirectory();
        (int exit, string output, string errors) = await Signalled([Tool, "mutants", "--budget", "60s", "--out", dir.File("out")],
            line => line.StartsWith("[mutants] ", StringComparison.Ordinal), TimeSpan.FromSeconds(1), signal: 2);

        Assert.True(exit == ExitCodes.Interrupted, $"exit {exit}\n{output}\n{errors}");
        Assert.Contains("INTERRUPTED: ", output);
        Assert.DoesNotContain("ALL KILLED", output);
    }

    /// <summary>
    /// Runs the tool in its own process (CI=true), waits for the first stdout line that shows the work began, lets it run
    /// <paramref name="after"/> more, sends <paramref name="signal"/> and returns how it ended (failing the test if it
    /// never began or was still running 20 s after the signal).
    /// </summary>
    private static async Task<(int Exit, string Output, string Errors)> Signalled(string[] args, Func<string, bool> began,
                                                                                   TimeSpan after, int signal)
    {
        // An ignored signal stays ignored in every child (POSIX), so the tool could not see it: say so instead of
        // reporting a tool that "ignored" it.
        Assert.False(IgnoredByThisProcess(signal),
            $"signal {signal} is ignored by the test process (SigIgn in /proc/self/status), so the tool inherits that: " +
            "run dotnet test in the foreground, not as a background job of a non-interactive shell");
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["CI"] = "true";
        using Process process = Process.Start(start)!;
        var stdout = new System.Text.StringBuilder();
        var started = new ManualResetEventSlim();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (stdout) stdout.AppendLine(e.Data);
            if (began(e.Data)) started.Set();
        };
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.BeginOutputReadLine();
        Assert.True(started.Wait(TimeSpan.FromSeconds(60)), $"{args[1]} never started");
        await Task.Delay(after);

        Assert.Equal(0, Kill(process.Id, signal));
        bool exited = process.WaitForExit(TimeSpan.FromSeconds(20));
        if (!exited) process.Kill(entireProcessTree: true);
        Assert.True(exited, "still running 20 s after the signal");
        process.WaitForExit();
        string output;
        lock (stdout) output = stdout.ToString();
        return (process.ExitCode, output, await stderr);
    }

    private static bool IgnoredByThisProcess(int signal)
    {
        if (!File.Exists("/proc/self/status")) return false;
        string? line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal));
        return line is not null && (Convert.ToUInt64(line["SigIgn:".Length..].Trim(), 16) & (1UL << (signal - 1))) != 0;
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [Fact]
    public void An_unwritable_counterexamples_directory_is_exit_2_before_any_work()
    {
        // Root writes through permissions: the test below (a file in the way) covers that case.
        if (OperatingSystem.IsWindows() || Environment.UserName == "root") return;
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("out"));
        File.SetUnixFileMode(dir.File("out"), UnixFileMode.UserRead | UnixFileMode.UserExecute);
        CliRun run = CliHarness.Invoke("check", "--cases", "1", "--geometry", "tiny", "--oracle", "classic", "--out", dir.File("out"));
        File.SetUnixFileMode(dir.File("out"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Assert.Equal(ExitCodes.BadUsage, run.ExitCode);
        Assert.Single(run.ErrLines);
    }

    [Fact]
    public void An_empty_out_is_exit_2_not_the_current_directory()
    {
        CliRun run = CliHarness.Invoke("check", "--cases", "1", "--out", "");
        Assert.Equal(ExitCodes.BadUsage, run.ExitCode);
        Assert.Contains("--out needs a directory", Assert.Single(run.ErrLines));
    }

    [Fact]
    public void A_counterexamples_path_that_is_a_file_is_exit_2_with_one_line_before_any_work()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(dir.File("out"));
        File.WriteAllText(dir.File(Path.Combine("out", "counterexamples")), "in the way");
        CliRun run = CliHarness.Invoke("check", "--family", "properties", "--cases", "1", "--geometry", "tiny", "--oracle", "classic",
            "--out", dir.File("out"));
        Assert.Equal(ExitCodes.BadUsage, run.ExitCode);
        Assert.Contains("cannot write to --out", Assert.Single(run.ErrLines));
        Assert.Equal("", run.Out);
    }

    [Fact]
    public void Junit_on_a_full_device_lists_the_failure_first_then_exit_2_with_one_line()
    {
        if (!File.Exists("/dev/full")) return;
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke("check", "--family", "properties", "--cases", "1", "--oracle", "classic",
            "--seeded-bug", "no-range-check", "--out", dir.Path, "--junit", "/dev/full");
        Assert.Equal(ExitCodes.BadUsage, run.ExitCode);
        Assert.Contains("FAILED: 1 failure", run.Out);
        Assert.Contains("reproduce with: ", run.Out);
        string line = Assert.Single(run.ErrLines);
        Assert.Contains("cannot write '/dev/full'", line);
        Assert.Contains("failures are listed above", line);
    }

    [Fact]
    public void A_second_run_on_an_out_directory_in_use_is_refused_and_the_first_runs_reports_stay_whole()
    {
        using var dir = new TempDirectory();
        CliRun first = CliHarness.Invoke("check", "--family", "properties", "--cases", "1", "--geometry", "tiny", "--oracle", "classic",
            "--out", dir.Path, "--junit", dir.File("junit.xml"));
        Assert.Equal(ExitCodes.Holds, first.ExitCode);
        string report = File.ReadAllText(dir.File("report.json"));

        // A run in progress holds the lock; a second one on the same --out is refused before it writes anything.
        using (new FileStream(dir.File(OutputLock.FileName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            CliRun second = CliHarness.Invoke("check", "--family", "properties", "--cases", "1", "--geometry", "tiny", "--oracle", "radix",
                "--out", dir.Path, "--junit", dir.File("junit.xml"));
            Assert.Equal(ExitCodes.BadUsage, second.ExitCode);
            Assert.Contains("in use by another check run", Assert.Single(second.ErrLines));
        }
        Assert.Equal(report, File.ReadAllText(dir.File("report.json")));
        XDocument.Load(dir.File("junit.xml")); // whole, parseable
        Assert.Empty(Directory.GetFiles(dir.Path, "*.tmp"));
    }
}
