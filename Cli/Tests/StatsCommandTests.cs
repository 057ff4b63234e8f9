namespace PymallocVerify.Cli.Tests;

public class StatsCommandTests
{
    [Fact]
    public void Stats_runs_a_mixed_workload_on_modern_and_prints_the_tables()
    {
        CliRun run = CliHarness.Invoke("stats", "--operations", "3000");

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Contains("stats: geometry modern, oracle radix", run.Out);   // modern's default oracle
        Assert.Contains("# arena map mid nodes = ", run.Out);
        Assert.Contains("workload mixed", run.Out);
        Assert.Contains("Small block threshold = 512, in 32 size classes.", run.Out);
        Assert.Contains("class   size   num pools   blocks in use  avail blocks", run.Out);
        Assert.Matches(@"\d+ arenas \* 1048576 bytes/arena", run.Out);
        Assert.Contains("# bytes lost to arena alignment", run.Out);
        Assert.Contains("arena table:", run.Out);
        Assert.Matches(@"[\d,]{4,} live blocks after the workload", run.Out); // over a thousand
        Assert.Contains("invariants: hold", run.Out);
    }

    [CPythonInstalledFact("3.10")]
    public void Stats_as_CPython_3_10_prints_libpythons_own_text_with_the_arena_map_and_the_port_matches_it()
    {
        CliRun run = CliHarness.Invoke("stats", "--cpython", "3.10", "--operations", "2000");

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Contains("stats: CPython 3.10 (modern, radix tree, 48-bit addresses, last usable arena kept)", run.Out);
        Assert.Matches(@"libpython: /\S+libpython3\.10\S*", run.Out);
        Assert.Contains("# arenas allocated current         =", run.Out); // CPython's own column layout
        Assert.Contains("arena map counts", run.Out);
        Assert.Contains("# bytes lost to arena map root     =                8,192", run.Out); // 3.10's 2^10-entry root
        Assert.Contains("identical: the port's text is this text byte for byte", run.Out);
    }

    [Fact]
    public void Stats_as_CPython_refuses_a_geometry_an_unknown_version_and_a_libpython_without_it()
    {
        Assert.Equal(ExitCodes.BadUsage, CliHarness.Invoke("stats", "--cpython", "3.10", "--geometry", "tiny").ExitCode);
        Assert.Equal(ExitCodes.BadUsage, CliHarness.Invoke("stats", "--cpython", "3.12").ExitCode);
        Assert.Equal(ExitCodes.BadUsage, CliHarness.Invoke("stats", "--libpython", "/nowhere/libpython3.10.so").ExitCode);
    }

    [Fact]
    public void Modern_with_the_classic_oracle_waives_the_page_rule_and_says_so()
    {
        CliRun run = CliHarness.Invoke("stats", "--oracle", "classic", "--operations", "1000");
        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Contains("note: modern pools (16384 bytes) are larger than a page", run.Out);
        Assert.DoesNotContain("# arena map", run.Out);
    }

    [Theory]
    [InlineData("mixed")]
    [InlineData("churn")]
    [InlineData("fill")]
    public void Every_workload_runs_on_every_geometry(string workload)
    {
        CliRun run = CliHarness.Invoke("stats", "--geometry", "all", "--workload", workload, "--operations", "1000");

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Contains("Small block threshold = 512, in 32 size classes.", run.Out); // classic and modern
        Assert.Contains("Small block threshold = 64, in 4 size classes.", run.Out);   // tiny
        Assert.Equal(3, run.Out.Split("invariants: hold").Length - 1);
    }

    [Fact]
    public void The_fill_workload_spreads_over_several_arenas()
    {
        CliRun run = CliHarness.Invoke("stats", "--geometry", "tiny", "--workload", "fill", "--operations", "2000");
        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        var match = System.Text.RegularExpressions.Regex.Match(run.Out, @"# arenas highwater mark\s+=\s+(\d+)");
        Assert.True(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) > 5, run.Out);
    }

    [Fact]
    public void The_same_seed_prints_the_same_tables()
    {
        // The workload and the arenas' offsets come from the seed, so everything but the base addresses repeats.
        static string Masked(CliRun r) => System.Text.RegularExpressions.Regex.Replace(r.Out, "0x[0-9a-f]+", "0x?");
        CliRun a = CliHarness.Invoke("stats", "--geometry", "classic", "--seed", "5", "--operations", "2000");
        CliRun b = CliHarness.Invoke("stats", "--geometry", "classic", "--seed", "5", "--operations", "2000");
        CliRun c = CliHarness.Invoke("stats", "--geometry", "classic", "--seed", "6", "--operations", "2000");

        Assert.Equal(ExitCodes.Holds, a.ExitCode);
        Assert.Equal(Masked(a), Masked(b));
        Assert.NotEqual(Masked(a).Replace("seed 5", "seed 6", StringComparison.Ordinal), Masked(c));
    }
}
