using System.Collections.Concurrent;
using PymallocVerify.Allocator;
using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;

namespace PymallocVerify.Concurrency.Tests;

/// <summary>
/// Hunts interference between Coyote engines running at once in one process, as <c>check</c> runs them (one per
/// worker): state of one engine's iteration reaching another's — a script worker, a thread-static, a shared counter
/// or cache. Each run must come out exactly as it does alone: the same iterations, the same interleaving counts, and
/// the same counterexample at the same iteration with the same history and trace.
/// </summary>
public class SideBySideEngineTests
{
    private const int Engines = 4;

    private static IReadOnlyList<Func<ConcurrencyCampaignResult>> Runs()
    {
        var runs = new List<Func<ConcurrencyCampaignResult>>();
        foreach (var bug in ScenarioCatalog.Bugs)
            runs.Add(() => ConcurrencyCampaign.Run(ScenarioCatalog.Exposing(bug), ExplorationStrategy.Random, 200, seed: 20261207));
        foreach (var scenario in ScenarioCatalog.All)
            foreach (var oracle in new[] { OracleKind.PoolIndex, OracleKind.RadixTree })
                runs.Add(() => ConcurrencyCampaign.Run(scenario with { Oracle = oracle }, ExplorationStrategy.Pct, 30 * TestSupport.Effort, seed: 7));
        return runs;
    }

    /// <summary>Everything a run decided, nothing it measured (elapsed time differs).</summary>
    private static string Outcome(ConcurrencyCampaignResult result) =>
        $"{result.Scenario.Name}/{result.Scenario.Oracle}/{result.Strategy}: {result.IterationsRun} iterations; " +
        string.Join(", ", result.Interleavings.Select(cell => $"{cell.Key}={cell.Value}")) +
        (result.Counterexample is { } found ? $"; failed at {found.Iteration}: {found.RecordedFailure}\n{found.CoyoteTrace}" : "; held");

    [Fact]
    public async Task Engines_side_by_side_decide_what_each_decides_alone()
    {
        var runs = Runs();
        string[] alone = [.. runs.Select(run => Outcome(run()))];
        Assert.All(alone.Take(ScenarioCatalog.Bugs.Count), outcome => Assert.Contains("; failed at ", outcome)); // each race is found

        var sideBySide = new string[runs.Count];
        var next = new ConcurrentQueue<int>(Enumerable.Range(0, runs.Count).Reverse()); // other neighbours than alone
        await Task.WhenAll(Enumerable.Range(0, Engines).Select(_ => Task.Factory.StartNew(() =>
        {
            while (next.TryDequeue(out int i)) sideBySide[i] = Outcome(runs[i]());
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));

        for (int i = 0; i < runs.Count; i++) Assert.Equal(alone[i], sideBySide[i]); // each outcome names its run
    }
}
