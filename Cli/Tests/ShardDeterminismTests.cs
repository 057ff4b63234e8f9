using System.Globalization;
using System.Text.Json.Nodes;

namespace PymallocVerify.Cli.Tests;

/// <summary>--shard i/N: disjoint cases and seeds across shards; the same shard twice gives the same report.</summary>
public class ShardDeterminismTests
{
    private static readonly int Cases = 3 * CliHarness.Effort;

    private static (JsonNode Report, CliRun Run) RunShard(string shard, int cases, string seed = "7")
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke(CheckCommandTests.ShortWorkloads, "check", "--budget", "10m", "--cases", cases.ToString(CultureInfo.InvariantCulture),
            "--seed", seed, "--shard", shard, "--geometry", "classic,tiny", "--oracle", "classic", "--out", dir.Path);
        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        return (JsonNode.Parse(File.ReadAllText(dir.File("report.json")))!, run);
    }

    private static IEnumerable<(string Stream, long Index, string Seed)> CasesOf(JsonNode report) =>
        report["streams"]!.AsArray().SelectMany(s => s!["cases"]!.AsArray().Select(c => (
            $"{s["family"]} {s["configuration"]}", c!["index"]!.GetValue<long>(), c["seed"]!.GetValue<string>())));

    /// <summary>report.json without its timing section: everything a run decided to check, and the outcome.</summary>
    private static string WithoutTiming(JsonNode report)
    {
        JsonObject copy = JsonNode.Parse(report.ToJsonString())!.AsObject();
        copy.Remove("timing");
        return copy.ToJsonString();
    }

    [Fact]
    public void Two_shards_run_disjoint_cases_with_disjoint_seeds_that_together_are_the_unsharded_run()
    {
        var one = CasesOf(RunShard("1/2", Cases).Report).ToList();
        var two = CasesOf(RunShard("2/2", Cases).Report).ToList();
        var whole = CasesOf(RunShard("1/1", 2 * Cases).Report).ToList();

        Assert.All(one, c => Assert.Equal(0, c.Index % 2));
        Assert.All(two, c => Assert.Equal(1, c.Index % 2));
        Assert.Empty(one.Select(c => c.Seed).Intersect(two.Select(c => c.Seed)));
        Assert.Equal(2 * 2 * Cases, one.Count + two.Count); // two streams each
        // A case's seed depends on its index only, never on the sharding: the shards partition the whole run.
        Assert.Equal(whole.OrderBy(c => c.Stream).ThenBy(c => c.Index),
                     one.Concat(two).OrderBy(c => c.Stream).ThenBy(c => c.Index));
    }

    [Fact]
    public void The_same_shard_twice_gives_the_same_report()
    {
        (JsonNode first, CliRun firstRun) = RunShard("2/3", Cases);
        (JsonNode second, CliRun secondRun) = RunShard("2/3", Cases);

        Assert.Equal(WithoutTiming(first), WithoutTiming(second));
        Assert.StartsWith("[1,4", first["streams"]![0]!["cases"]!.AsArray().Select(c => (long)c!["index"]!).Aggregate("[", (s, i) => s + (s == "[" ? "" : ",") + i));
        Assert.Contains("shard 2/3", secondRun.Out);
    }

    [Fact]
    public void Every_family_reports_the_same_cases_and_coverage_when_run_twice()
    {
        static JsonNode Run()
        {
            using var dir = new TempDirectory();
            CliRun run = CliHarness.Invoke("check", "--budget", "10m", "--cases", "1", "--seed", "11", "--shard", "2/3",
                "--geometry", "tiny", "--out", dir.Path);
            Assert.Equal(ExitCodes.Holds, run.ExitCode);
            return JsonNode.Parse(File.ReadAllText(dir.File("report.json")))!;
        }
        JsonNode first = Run();
        Assert.Equal(["properties", "memcheck", "exhaustive", "workloads", "concurrency", "cpython"],
            first["streams"]!.AsArray().Select(s => s!["family"]!.GetValue<string>()).Distinct());
        Assert.Equal(WithoutTiming(first), WithoutTiming(Run()));
    }

    [Fact]
    public void A_different_seed_checks_different_cases()
    {
        var a = CasesOf(RunShard("1/1", 1, seed: "1").Report).Select(c => c.Seed);
        var b = CasesOf(RunShard("1/1", 1, seed: "0x2").Report).Select(c => c.Seed);
        Assert.Empty(a.Intersect(b));
    }
}
