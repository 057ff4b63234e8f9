using BenchmarkDotNet.Attributes;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;
using PymallocVerify.Concurrency.Scripts;

namespace PymallocVerify.Benchmarks.VerificationSuites;

/// <summary>
/// Coyote exploration of the concurrency scenarios on the correct allocator: every iteration runs the scenario's
/// threads under Coyote's scheduler and checks the history for linearizability. One operation = one iteration.
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

    private ConcurrencyScenario? _scenario;

    public string WorkUnit => "Coyote iterations";

    public double WorkPerOperation => 1;

    [GlobalSetup]
    public void Setup() => _scenario = Scenario switch
    {
        CoyoteScenario.GrowWhileReading => ScenarioCatalog.GrowWhileReading,
        CoyoteScenario.ReleaseWhileReading => ScenarioCatalog.ReleaseWhileReading,
        CoyoteScenario.RacingMutations => ScenarioCatalog.RacingMutations,
        _ => throw new ArgumentOutOfRangeException(nameof(Scenario), Scenario, "unknown scenario"),
    };

    [Benchmark(OperationsPerInvoke = Iterations)]
    public ConcurrencyCampaignResult CoyoteIterations() => ConcurrencyCampaign.Run(_scenario!, Strategy, Iterations, seed: 20260729);

    public void Verify(string benchmark, object? result)
    {
        Check.That(result is ConcurrencyCampaignResult { BugFound: false, IterationsRun: Iterations },
            $"expected {Iterations} passing iterations: {result}");
    }
}
