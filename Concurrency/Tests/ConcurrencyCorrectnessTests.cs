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

    public static TheoryData<string, ExplorationStrategy> Runs()
    {
        var runs = new TheoryData<string, ExplorationStrategy>();
        foreach (var scenario in ScenarioCatalog.All)
            foreach (var strategy in ExplorationStrategies.All)
                runs.Add(scenario.Name, strategy);
        return runs;
    }

    [Theory]
    [MemberData(nameof(Runs))]
    public void ProtocolIsLinearizable(string scenarioName, ExplorationStrategy strategy)
    {
        var scenario = ScenarioCatalog.FromName(scenarioName);
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
