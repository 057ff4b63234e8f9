using PymallocVerify.Allocator;
using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;
using Xunit.Abstractions;

namespace PymallocVerify.Concurrency.Tests;

/// <summary>
/// The real protocol, under every strategy: lock-free ownership queries racing table growth, arena release
/// and contended mutations stay linearizable against the model, and the heap's invariants hold.
/// </summary>
public class ConcurrencyCorrectnessTests(ITestOutputHelper output)
{
    public const int Iterations = 150;

    public static TheoryData<string, OracleKind, ExplorationStrategy> Runs()
    {
        var runs = new TheoryData<string, OracleKind, ExplorationStrategy>();
        foreach (var scenario in ScenarioCatalog.All)
            foreach (var strategy in ExplorationStrategies.All)
                runs.Add(scenario.Name, OracleKind.PoolIndex, strategy);
        // The radix oracle reads no pool memory: one strategy per scenario.
        foreach (var scenario in ScenarioCatalog.All)
            runs.Add(scenario.Name, OracleKind.RadixTree, ExplorationStrategy.Random);
        return runs;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void ProtocolIsLinearizable(string scenarioName, OracleKind oracle, ExplorationStrategy strategy)
    {
        var scenario = ScenarioCatalog.FromName(scenarioName) with { Oracle = oracle };
        // Unaligned arenas (head and tail slack) where the setup does not depend on four pools per arena.
        if (oracle == OracleKind.RadixTree && scenarioName == ScenarioCatalog.GrowWhileReading.Name) scenario = scenario with { ArenaMisalignment = 256 + 16 };
        var result = ConcurrencyCampaign.Run(scenario, strategy, Iterations * TestSupport.Effort, seed: 20261129);
        output.WriteLine(result.ToString());
        if (result.Counterexample is { } found)
        {
            output.WriteLine($"counterexample saved to {TestSupport.Save(found)}");
            Assert.Fail(found.Report());
        }
        Assert.Equal(Iterations * TestSupport.Effort, result.IterationsRun);
    }
}
