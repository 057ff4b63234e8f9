using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;
using Xunit.Abstractions;

namespace PymallocVerify.Concurrency.Tests;

/// <summary>
/// Every seeded concurrency bug is found within the default budget; its counterexample is saved with the
/// Coyote trace next to the script, replays to the same failure, and — once the bug is "fixed" — the same
/// trace is reported stale instead of silently passing.
/// </summary>
public class ConcurrencyTeethTests(ITestOutputHelper output)
{
    /// <summary>The default budget per bug and strategy (bugs are found in 1–50 iterations when measured).</summary>
    public const int Budget = 300;

    public static TheoryData<SeededBug> Bugs()
    {
        var bugs = new TheoryData<SeededBug>();
        foreach (var seeded in SeededBugCatalog.Cases) bugs.Add(seeded.Bug);
        return bugs;
    }

    [Theory]
    [MemberData(nameof(Bugs))]
    public void FoundByEveryStrategySavedAndReplayed(SeededBug bug)
    {
        var seeded = SeededBugCatalog.For(bug);
        foreach (var strategy in ExplorationStrategies.All)
        {
            var result = ConcurrencyCampaign.Run(seeded.Seeded, strategy, Budget, seed: 7);
            output.WriteLine(result.ToString());
            Assert.True(result.BugFound, $"{seeded} survived {Budget} iterations of {strategy}");
            var found = result.Counterexample!;

            string path = TestSupport.Save(found);
            if (strategy == ExplorationStrategy.Random)
                output.WriteLine($"saved to {path}{Environment.NewLine}{found.Report()}");

            var replay = ConcurrencyReplayer.Replay(path);
            Assert.True(replay.Verdict == ReplayVerdict.Reproduced, replay.Report());
            Assert.Equal(0, replay.ExitCode);

            var fixedCode = found with { Scenario = found.Scenario.WithBug(SeededBug.None) };
            var stale = ConcurrencyReplayer.Replay(fixedCode);
            Assert.True(stale.Verdict == ReplayVerdict.Stale, stale.Report());
            Assert.NotEqual(0, stale.ExitCode);
        }
    }

    [Fact]
    public void TheCatalogCoversEveryBugThisHarnessCanSeed()
    {
        var catalogued = SeededBugCatalog.Cases.Select(c => c.Bug).ToHashSet();
        var missing = Enum.GetValues<SeededBug>()
            .Where(b => b != SeededBug.None && !catalogued.Contains(b));
        Assert.Empty(missing);
    }
}
