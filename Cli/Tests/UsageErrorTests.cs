namespace PymallocVerify.Cli.Tests;

/// <summary>Bad usage: exit 2, exactly one line on stderr, no stack trace.</summary>
public class UsageErrorTests
{
    public static TheoryData<string[], string> BadUsages => new()
    {
        { ["check", "--budget", "60"], "needs a unit" },
        { ["check", "--budget", "-5s"], "must be positive" },
        { ["check", "--budget", "-1"], "must be positive" },
        { ["check", "--family", ""], "--family needs a name" },
        { ["check", "--family", "properties,"], "--family needs a name" },
        { ["check", "--junit", " "], "--junit needs a file name" },
        { ["replay", ""], "needs a file name" },
        { ["stats", "--operations", "2147483647"], "more than 1,000,000" },
        { ["check", "--budget", "soon"], "needs a unit" },
        { ["check", "--shard", "3/2"], "impossible" },
        { ["check", "--shard", "0/2"], "impossible" },
        { ["check", "--shard", "two"], "must be written i/N" },
        { ["check", "--geometry", "huge"], "unknown geometry 'huge'" },
        { ["check", "--oracle", "quantum"], "unknown oracle 'quantum'" },
        { ["check", "--seed", "abc"], "seed 'abc'" },
        { ["check", "--cases", "0"], "positive integer" },
        { ["check", "--workload", "mixed"], "--workload" },
        { ["check", "--family", "nope"], "unknown family 'nope'" },
        { ["check", "--seeded-bug", "nope"], "unknown seeded bug 'nope'; known: no-bound-check, " },
        { ["check", "--family", "concurrency", "--seeded-bug", "no-range-check"], "seeded bug no-range-check is run by properties, exhaustive, workloads, which is not selected" },
        { ["check", "--bogus"], "--bogus" },
        { ["check", "--family", "exhaustive", "--geometry", "modern"], "nothing to run" },
        { ["frobnicate"], "frobnicate" },
        { [], "Required command" },
        { ["replay"], "FILE" },
        { ["replay", "/definitely/not/here.json"], "no such file" },
        { ["stats", "--geometry", "tiny,huge"], "unknown geometry 'huge'" },
        { ["stats", "--oracle", "all"], "one oracle" },
        { ["stats", "--operations", "-3"], "positive integer" },
        { ["stats", "--workload", "zigzag"], "unknown workload 'zigzag'; expected one of: mixed, churn, fill" },
        { ["mutants", "--bug", "nope"], "unknown seeded bug 'nope'" },
        { ["mutants", "--budget", "1x"], "needs a unit" },
        { ["mutants", "--markdown"], "--markdown goes with --list" },
    };

    [Theory]
    [MemberData(nameof(BadUsages))]
    public void Bad_usage_exits_2_with_one_line_and_no_stack_trace(string[] args, string expected)
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke([.. args, .. args.Length > 0 && args[0] == "check" ? new[] { "--out", dir.Path } : []]);

        Assert.Equal(ExitCodes.BadUsage, run.ExitCode);
        string line = Assert.Single(run.ErrLines);
        Assert.StartsWith("pymalloc-verify: ", line);
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", run.Err);
        Assert.DoesNotContain("Exception", run.Err);
    }

    [Fact]
    public void An_unwritable_output_directory_is_bad_usage()
    {
        using var dir = new TempDirectory();
        string blocker = dir.File("a-file");
        File.WriteAllText(blocker, "");
        CliRun run = CliHarness.Invoke("check", "--cases", "1", "--out", Path.Combine(blocker, "sub"));
        Assert.Equal(ExitCodes.BadUsage, run.ExitCode);
        Assert.Contains("cannot write to --out", Assert.Single(run.ErrLines));
    }

    [Fact]
    public void Malformed_counterexample_files_are_bad_usage()
    {
        using var dir = new TempDirectory();
        var files = new Dictionary<string, (string Content, string Expected)>
        {
            ["not-json.json"] = ("{ this is not json", "invalid JSON"),
            ["no-format.json"] = ("{\"version\": 1}", "no \"format\" field"),
            ["unknown-format.json"] = ("{\"format\": \"someone-else\", \"version\": 1}", "cannot replay"),
            ["newer.json"] = ("{\"format\": \"pymalloc-verify/counterexample\", \"version\": 99}", "update pymalloc-verify"),
            ["smoke-case.json"] = ("{\"format\": \"pymalloc-verify/smoke-case\", \"version\": 1}", "cannot replay"),
            ["old-race.json"] = ("{\"format\": \"pymalloc-verify/concurrency-counterexample/1\"}", "recorded before the seeded-bug catalog"),
        };
        foreach ((string name, (string content, string expected)) in files)
        {
            File.WriteAllText(dir.File(name), content);
            CliRun run = CliHarness.Invoke("replay", dir.File(name));
            Assert.True(run.ExitCode == ExitCodes.BadUsage, $"{name}: exit {run.ExitCode}, {run.Err}");
            Assert.Contains(expected, Assert.Single(run.ErrLines));
        }
    }

    [Fact]
    public void Help_exits_0()
    {
        CliRun run = CliHarness.Invoke("check", "--help");
        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Contains("--budget", run.Out);
        Assert.Contains("--shard", run.Out);
        Assert.DoesNotContain("--seeded-bug", run.Out); // test-only, hidden
    }
}
