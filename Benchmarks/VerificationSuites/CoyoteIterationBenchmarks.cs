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

    [Params("grow-while-reading", "release-while-reading", "racing-mutations")]
    public string Scenario { get; set; } = "grow-while-reading";

    [Params(ExplorationStrategy.Random, ExplorationStrategy.Pct)]
    public ExplorationStrategy Strategy { get; set; }

    private ConcurrencyScenario? _scenario;

    public string WorkUnit => "Coyote iterations";

    public double WorkPerOperation => 1;

    [GlobalSetup]
    public void Setup() => _scenario = ScenarioCatalog.FromName(Scenario);

    [Benchmark(OperationsPerInvoke = Iterations)]
    public CampaignResult CoyoteIterations() => ConcurrencyCampaign.Run(_scenario!, Strategy, Iterations, seed: 20260729);

    public void Verify(string benchmark, object? result)
    {
        Check.That(result is CampaignResult { BugFound: false, IterationsRun: Iterations },
            $"expected {Iterations} passing iterations: {result}");
    }
}
