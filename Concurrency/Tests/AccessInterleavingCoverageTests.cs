using PymallocVerify.Allocator;
using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;
using PymallocVerify.Concurrency.Harness;
using PymallocVerify.Concurrency.Scripts;
using Xunit.Abstractions;

namespace PymallocVerify.Concurrency.Tests;

/// <summary>
/// The concurrency verdict covers the publication protocol only if every read of the ownership test ran inside every
/// mutation that changes it, on both sides of the write (<see cref="AccessInterleavingCells"/>). The catalogued
/// scenarios, each under every strategy for a few iterations (what a short <c>check</c> runs first), must meet them all.
/// </summary>
public class AccessInterleavingCoverageTests(ITestOutputHelper output)
{
    private const int IterationsPerCell = 30;
    private const uint Seed = 20261207;

    [Theory]
    [InlineData(OracleKind.PoolIndex)]
    [InlineData(OracleKind.RadixTree)]
    public void The_catalogued_scenarios_interleave_every_read_with_every_mutation_that_changes_it(OracleKind oracle)
    {
        IReadOnlyDictionary<string, long> hit = Run(ScenarioCatalog.All, oracle);
        IReadOnlyList<string> missing = Missing(hit, oracle);
        Assert.True(missing.Count == 0, $"not met under the {oracle} oracle: {string.Join("; ", missing)}");
    }

    [Fact]
    public void Without_the_release_scenario_a_reader_never_meets_a_slot_clear_and_the_table_says_so()
    {
        // The gap detector itself: leave out the scenario written for arena release and the clear cells go missing.
        var withoutRelease = ScenarioCatalog.All.Where(s => s.Name != ScenarioCatalog.ReleaseWhileReading.Name).ToList();
        IReadOnlyList<string> missing = Missing(Run(withoutRelease, OracleKind.PoolIndex), OracleKind.PoolIndex);
        Assert.Contains("slot-read after slot-clear", missing);
    }

    private IReadOnlyList<string> Missing(IReadOnlyDictionary<string, long> hit, OracleKind oracle)
    {
        foreach ((string cell, long iterations) in hit) output.WriteLine($"{oracle} {cell}: {iterations} iterations");
        return [.. AccessInterleavingCells.Required(oracle).Where(c => !hit.ContainsKey(c))];
    }

    private static SortedDictionary<string, long> Run(IEnumerable<ConcurrencyScenario> scenarios, OracleKind oracle)
    {
        var hit = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (ConcurrencyScenario scenario in scenarios)
        {
            foreach (ExplorationStrategy strategy in ExplorationStrategies.All)
            {
                ConcurrencyCampaignResult result = ConcurrencyCampaign.Run(scenario with { Oracle = oracle }, strategy,
                    IterationsPerCell * TestSupport.Effort, Seed);
                Assert.Null(result.Counterexample);
                foreach ((string cell, long n) in result.Interleavings) hit[cell] = hit.GetValueOrDefault(cell) + n;
            }
        }
        return hit;
    }
}
