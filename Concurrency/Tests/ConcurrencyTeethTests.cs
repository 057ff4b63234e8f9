using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;
using PymallocVerify.Concurrency.Scripts;
using PymallocVerify.SeededBugs;
using PymallocVerify.SeededBugs.Races;
using Xunit.Abstractions;

namespace PymallocVerify.Concurrency.Tests;

/// <summary>
/// Every seeded concurrency bug is found within the default budget; its counterexample is saved with the
/// Coyote trace next to the script, replays to the same failure, and — once the bug is "fixed" — the same
/// trace is reported stale instead of silently passing.
/// </summary>
public class ConcurrencyTeethTests(ITestOutputHelper output)
{
    /// <summary>The default budget per bug and strategy (bugs are found in 1–53 iterations when measured, docs/concurrency.md).</summary>
    public const int Budget = 300;

    public static TheoryData<string> Bugs() => new(ScenarioCatalog.Bugs.Select(b => b.Name));

    [Theory]
    [MemberData(nameof(Bugs))]
    public void FoundByEveryStrategySavedAndReplayed(string name)
    {
        var bug = (ConcurrencyBug)SeededBugCatalog.Find(name);
        var seeded = ScenarioCatalog.Exposing(bug);
        foreach (var strategy in ExplorationStrategies.All)
        {
            var result = ConcurrencyCampaign.Run(seeded, strategy, Budget, seed: 7);
            output.WriteLine(result.ToString());
            Assert.True(result.BugFound, $"{bug.Name} ({seeded.Name}) survived {Budget} iterations of {strategy}");
            var found = result.Counterexample!;

            string path = TestSupport.Save(found);
            if (strategy == ExplorationStrategy.Random)
                output.WriteLine($"saved to {path}{Environment.NewLine}{found.Report()}");

            var replay = ConcurrencyReplayer.Replay(path);
            Assert.True(replay.Verdict == ReplayVerdict.Reproduced, replay.Report());
            Assert.Equal(0, replay.ExitCode);

            var fixedCode = found with { Scenario = found.Scenario.WithBug(null) };
            var stale = ConcurrencyReplayer.Replay(fixedCode);
            Assert.True(stale.Verdict == ReplayVerdict.Stale, stale.Report());
            Assert.NotEqual(0, stale.ExitCode);
        }
    }

    [Fact]
    public void EveryConcurrencyBugNamesACataloguedScenarioOnTheOracleItCorrupts()
    {
        Assert.NotEmpty(ScenarioCatalog.Bugs);
        foreach (ConcurrencyBug bug in ScenarioCatalog.Bugs)
        {
            ConcurrencyScenario scenario = ScenarioCatalog.Exposing(bug);
            scenario.Validate();
            Assert.Same(bug, scenario.Bug);
        }
    }
}
