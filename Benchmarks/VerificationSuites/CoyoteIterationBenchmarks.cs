using BenchmarkDotNet.Attributes;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;
using PymallocVerify.Concurrency.Scripts;

namespace PymallocVerify.Benchmarks.VerificationSuites;

/// <summary>
/// Coyote exploration of the concurrency scenarios on the correct allocator: every iteration runs the scenario's
/// threads under Coyote's scheduler and checks the history for linearizability. One operation = one iteration of
/// each engine; with <see cref="Engines"/> = 2 two engines run the scenario side by side, as <c>check</c>'s workers do
/// on two cores, and the row's Coyote iterations/s counts both.
/// </summary>
[MemoryDiagnoser]
public class CoyoteIterationBenchmarks : ISelfChecked, IWorkCounted
{
    public const int Iterations = 50;

    /// <summary>The catalog's scenarios (an enum: BenchmarkDotNet shortens long string parameters in its reports).</summary>
    public enum CoyoteScenario
    {
        GrowWhileReading,
        ReleaseWhileReading,
        RacingMutations,
    }

    [Params(CoyoteScenario.GrowWhileReading, CoyoteScenario.ReleaseWhileReading, CoyoteScenario.RacingMutations)]
    public CoyoteScenario Scenario { get; set; }

    [Params(ExplorationStrategy.Random, ExplorationStrategy.Pct)]
    public ExplorationStrategy Strategy { get; set; }

    [Params(1, 2)]
    public int Engines { get; set; } = 1;

    private ConcurrencyScenario? _scenario;

    public string WorkUnit => "Coyote iterations";

    public double WorkPerOperation => Engines;

    [GlobalSetup]
    public void Setup() => _scenario = Scenario switch
    {
        CoyoteScenario.GrowWhileReading => ScenarioCatalog.GrowWhileReading,
        CoyoteScenario.ReleaseWhileReading => ScenarioCatalog.ReleaseWhileReading,
        CoyoteScenario.RacingMutations => ScenarioCatalog.RacingMutations,
        _ => throw new ArgumentOutOfRangeException(nameof(Scenario), Scenario, "unknown scenario"),
    };

    [Benchmark(OperationsPerInvoke = Iterations)]
    public ConcurrencyCampaignResult[] CoyoteIterations()
    {
        var results = new ConcurrencyCampaignResult[Engines];
        Parallel.For(0, Engines, new ParallelOptions { MaxDegreeOfParallelism = Engines },
            engine => results[engine] = ConcurrencyCampaign.Run(_scenario!, Strategy, Iterations, seed: 20260729 + (uint)engine));
        return results;
    }

    public void Verify(string benchmark, object? result)
    {
        Check.That(result is ConcurrencyCampaignResult[] runs && runs.Length == Engines &&
                   runs.All(run => run is { BugFound: false, IterationsRun: Iterations }),
            $"expected {Engines} runs of {Iterations} passing iterations: {result}");
    }
}
