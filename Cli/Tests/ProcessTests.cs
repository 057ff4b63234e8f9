using System.Diagnostics;

namespace PymallocVerify.Cli.Tests;

/// <summary>The real executable: process exit codes and stderr, as CI sees them.</summary>
public class ProcessTests
{
    private static readonly string Tool = Path.Combine(AppContext.BaseDirectory, "pymalloc-verify.dll");

    private static (int Exit, string Out, string Err) Run(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Tool);
        foreach (string a in args) start.ArgumentList.Add(a);
        start.Environment["CI"] = "true";
        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    [Fact]
    public void Exit_codes_0_1_2_from_a_real_process_and_the_printed_replay_command_reproduces()
    {
        using var dir = new TempDirectory();
        var holds = Run("check", "--family", "properties", "--cases", "1", "--geometry", "tiny", "--oracle", "classic", "--out", dir.Path);
        Assert.True(holds.Exit == ExitCodes.Holds, holds.Out + holds.Err);
        Assert.Contains("HOLDS", holds.Out);

        var fails = Run("check", "--family", "properties", "--cases", "1", "--oracle", "classic", "--out", dir.Path,
            "--seeded-bug", "no-range-check");
        Assert.Equal(ExitCodes.Failed, fails.Exit);
        string command = fails.Out.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith("reproduce with: ", StringComparison.Ordinal));
        string[] words = CliRun.ShellWords(command["reproduce with: ".Length..]);
        var replay = Run(words[5..]);
        Assert.Equal(ExitCodes.Failed, replay.Exit);
        Assert.Contains("STILL FAILS", replay.Out);

        var bad = Run("check", "--shard", "5/4");
        Assert.Equal(ExitCodes.BadUsage, bad.Exit);
        Assert.Equal("", bad.Out);
        Assert.Single(bad.Err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }
}
