using PymallocVerify.Concurrency.Scripts;

namespace PymallocVerify.Concurrency.Campaigns;

/// <summary>One Coyote run of a scenario: how many iterations ran, how long it took, and the counterexample if one failed.</summary>
public sealed record ConcurrencyCampaignResult(
    ConcurrencyScenario Scenario,
    ExplorationStrategy Strategy,
    uint Seed,
    int IterationsRun,
    TimeSpan Elapsed,
    ConcurrencyCounterexample? Counterexample)
{
    public bool BugFound => Counterexample is not null;

    /// <summary>How many iterations met each access-interleaving cell (<see cref="Harness.AccessInterleavingCells"/>).</summary>
    public IReadOnlyDictionary<string, long> Interleavings { get; init; } = new Dictionary<string, long>();

    public double IterationsPerSecond => Elapsed.TotalSeconds > 0 ? IterationsRun / Elapsed.TotalSeconds : 0;

    public override string ToString() =>
        $"{Scenario.Name} [{Scenario.Oracle}, bug {Scenario.Bug?.Name ?? "none"}] {Strategy} seed {Seed}: " +
        (BugFound ? $"FAILED at iteration {IterationsRun} ({Counterexample!.Failure}: {Counterexample.Summary})" : $"{IterationsRun} iterations passed") +
        $" in {Elapsed.TotalSeconds:F2} s ({IterationsPerSecond:F0} it/s)";
}
