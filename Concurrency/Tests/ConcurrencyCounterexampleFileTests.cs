using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;
using PymallocVerify.Concurrency.Harness;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Concurrency.Tests;

public class ConcurrencyCounterexampleFileTests
{
    private static ConcurrencyCounterexample Sample() => new()
    {
        Scenario = ScenarioCatalog.Exposing(new ArenaReturnedBeforeUnpublished()),
        Strategy = ExplorationStrategy.Pct,
        Seed = 3,
        Iteration = 5,
        Failure = FailureKind.NotLinearizable,
        Summary = "IsOwned(0x1) = true: answered true, but 0x1 lies in no live arena: NotOwned",
        History = ["  stamps  T1", "  1..2    IsOwned(0x1) = true"],
        Explanation = "NotLinearizable (1 calls, 1 search states)",
        CoyoteTrace = "{\"trace\": []}",
    };

    [Fact]
    public void RoundTripsThroughJson()
    {
        var original = Sample();
        var back = ConcurrencyCounterexample.FromJson(original.ToJson());
        Assert.Equal(original.Scenario.ToString(), back.Scenario.ToString());
        Assert.Equal(original.Scenario.Setup, back.Scenario.Setup);
        Assert.Equal(original.History, back.History);
        Assert.Equal(original.CoyoteTrace, back.CoyoteTrace);
        Assert.Equal(original.Failure, back.Failure);
        Assert.Contains("\"setup\": \"Malloc(64)*36;", original.ToJson()); // scripts stay readable in the file
        Assert.Contains("\"bug\": \"arena-returned-before-unpublished\"", original.ToJson()); // the catalog's name
        Assert.Equal(original.Scenario.Bug, back.Scenario.Bug);
    }

    [Fact]
    public void BadFilesAreRefusedWithOneLine()
    {
        Assert.Contains("no such counterexample file", Assert.Throws<ArgumentException>(() => ConcurrencyCounterexample.Load("/nonexistent/x.json")).Message);
        Assert.Contains("not a concurrency counterexample", Assert.Throws<ArgumentException>(() => ConcurrencyCounterexample.FromJson("{")).Message);
        Assert.Contains("expected format", Assert.Throws<ArgumentException>(() => ConcurrencyCounterexample.FromJson("{\"format\":\"other\"}")).Message);
        string noTrace = Sample().ToJson().Replace("{\\\"trace\\\": []}", "");
        Assert.NotEqual(Sample().ToJson(), noTrace);
        Assert.Contains("trace is missing", Assert.Throws<ArgumentException>(() => ConcurrencyCounterexample.FromJson(noTrace)).Message);
        string version1 = Sample().ToJson().Replace("concurrency-counterexample/4", "concurrency-counterexample/1");
        Assert.Contains("recorded before the seeded-bug catalog", Assert.Throws<ArgumentException>(() => ConcurrencyCounterexample.FromJson(version1)).Message);
        string version2 = Sample().ToJson().Replace("concurrency-counterexample/4", "concurrency-counterexample/2");
        Assert.Contains("has no digest", Assert.Throws<ArgumentException>(() => ConcurrencyCounterexample.FromJson(version2)).Message);
        string version3 = Sample().ToJson().Replace("concurrency-counterexample/4", "concurrency-counterexample/3");
        Assert.Contains("other scheduling points", Assert.Throws<ArgumentException>(() => ConcurrencyCounterexample.FromJson(version3)).Message);
        string heapBug = Sample().ToJson().Replace("arena-returned-before-unpublished", "no-range-check");
        Assert.Contains("not a concurrency bug", Assert.Throws<ArgumentException>(() => ConcurrencyCounterexample.FromJson(heapBug)).Message);
        string badScript = Sample().ToJson().Replace("FreeBlock(12)", "FreeBlok(12)");
        Assert.Contains("unknown step", Assert.Throws<ArgumentException>(() => ConcurrencyCounterexample.FromJson(badScript)).Message);
    }

    [Fact]
    public void ATraceThatIsNotCoyotesIsStale()
    {
        var report = ConcurrencyReplayer.Replay(Sample() with { CoyoteTrace = "not a trace" });
        Assert.NotEqual(ReplayVerdict.Reproduced, report.Verdict);
        Assert.Equal(1, report.ExitCode);
    }
}
