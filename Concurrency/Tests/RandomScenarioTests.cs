using PymallocVerify.Concurrency.Campaigns;
using PymallocVerify.Concurrency.Scripts;
using PymallocVerify.SeededBugs;
using PymallocVerify.SeededBugs.Races;
using Xunit.Abstractions;

namespace PymallocVerify.Concurrency.Tests;

/// <summary>
/// Generated scenarios: deterministic for a seed, within the scenario rules, linearizable on the real protocol,
/// and able to catch seeded bugs nobody wrote a scenario for them.
/// </summary>
public class RandomScenarioTests(ITestOutputHelper output)
{
    public const int Scenarios = 12;
    public const int IterationsPerScenario = 25;

    [Fact]
    public void TheSameSeedGivesTheSameScenario()
    {
        var texts = new HashSet<string>();
        for (ulong seed = 0; seed < 200; seed++)
        {
            var scenario = RandomScenarios.Generate(seed);
            Assert.Equal(scenario.ToString(), RandomScenarios.Generate(seed).ToString());
            Assert.InRange(scenario.Threads.Count, ConcurrencyScenario.MinThreads, ConcurrencyScenario.MaxThreads);
            Assert.All(scenario.Threads, t => Assert.InRange(t.Count, RandomScenarios.MinSteps, RandomScenarios.MaxSteps));
            foreach (var thread in scenario.Threads) Assert.Equal(thread, ScriptText.Parse(ScriptText.Format(thread)));
            texts.Add(string.Join("|", scenario.Threads.Select(ScriptText.Format)));
        }
        Assert.True(texts.Count > 190, $"only {texts.Count} distinct thread sets in 200 seeds");
    }

    /// <summary>Pinned: a seed printed in a report or a test must mean the same scenario until someone changes the generator on purpose.</summary>
    [Fact]
    public void SeedOneGeneratesThisExactScenario()
    {
        string[] expected =
        [
            "scenario random-1: geometry tiny, oracle RadixTree, bug none, arenas misaligned by 1008",
            "  setup: Malloc(64)*190",
            "  T1: Malloc(64); FreeBlock(103); Query(Arena(6)+1023); Malloc(48)",
            "  T2: Query(Arena(13)+1024); FreeBlock(13); Query(Latest(0)+8); Query(Arena(12))",
            "  T3: Malloc(64); Query(Latest(0)+16); Malloc(64); FreeBlock(132); FreeBlock(140); Query(Arena(14)-1)",
            "  T4: Query(Foreign(1)+8); Query(Block(186)+15); Query(Arena(2)-16)",
        ];
        Assert.Equal(string.Join(Environment.NewLine, expected), RandomScenarios.Generate(1).ToString());
    }

    [Fact]
    public void TheProtocolIsLinearizableOnRandomScripts()
    {
        int scenarios = Scenarios * TestSupport.Effort;
        var results = ConcurrencyCampaign.RunRandomForBudget(TimeSpan.MaxValue, seed: 20261130, IterationsPerScenario, maxScenarios: scenarios,
            progress: result => output.WriteLine(result.ToString()));
        if (results[^1].Counterexample is { } found)
        {
            output.WriteLine($"counterexample saved to {TestSupport.Save(found)}");
            Assert.Fail(found.Report());
        }
        Assert.Equal(scenarios, results.Count);
        Assert.All(results, r => Assert.Equal(IterationsPerScenario, r.IterationsRun));
    }

    /// <summary>
    /// Random scripts have teeth too: a seeded bug is caught within a few generated scenarios, without the scenario
    /// written for it. (From starting seed 1001 they are found after 3, 2 and 34 scenarios; random scripts also find
    /// table-published-before-filled, but rarely arena-returned-before-unpublished — see docs/concurrency.md, "Seeded races".)
    /// </summary>
    [Theory]
    [InlineData("table-reclaimed-while-read", 1001u)]
    [InlineData("mutation-skips-lock", 1001u)]
    [InlineData("radix-node-linked-before-filled", 1001u)]
    public void RandomScriptsCatchSeededBugs(string name, uint seed)
    {
        const int maxScenarios = 40;
        var bug = (ConcurrencyBug)SeededBugCatalog.Find(name);
        var results = ConcurrencyCampaign.RunRandomForBudget(TimeSpan.MaxValue, seed, iterationsPerScenario: 50, bug, maxScenarios);
        var last = results[^1];
        output.WriteLine($"{results.Count} scenarios, {results.Sum(r => r.IterationsRun)} iterations: {last}");
        Assert.True(last.BugFound, $"{bug.Name} survived {maxScenarios} random scenarios from seed {seed}");
        var replay = ConcurrencyReplayer.Replay(last.Counterexample!);
        Assert.True(replay.Verdict == ReplayVerdict.Reproduced, replay.Report());
    }
}
