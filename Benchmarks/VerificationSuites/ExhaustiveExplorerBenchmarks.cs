using BenchmarkDotNet.Attributes;
using PymallocVerify.Allocator;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Properties.Exhaustive;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Benchmarks.VerificationSuites;

/// <summary>
/// The bounded exhaustive explorer on Tiny, breadth-first to <see cref="Depth"/> mutations with canonical-state
/// deduplication, every property checked in every state. One worker (the explorer's parallelism set to 1: on 2 shared
/// cores a second worker measures the neighbours' load); the states are the same every run. Timed by the wall clock,
/// since Parallel.For may still hand the work to a pool thread. One operation = one exploration; the report turns it
/// into distinct states per second.
/// </summary>
[MemoryDiagnoser]
public class ExhaustiveExplorerBenchmarks : ISelfChecked, IWorkCounted
{
    public const int Depth = 3;

    [Params(OracleKind.PoolIndex, OracleKind.RadixTree)]
    public OracleKind Oracle { get; set; }

    private HeapVariant? _variant;
    private ExplorationResult? _probe;

    public string WorkUnit => "states";

    public double WorkPerOperation => _probe!.States;

    [GlobalSetup]
    public void Setup()
    {
        _variant = HeapVariant.Real(Oracle);
        _probe = Explore(); // deterministic: every invocation explores the same states
        Check.That(_probe.Passed && _probe.DepthCompleted == Depth, $"the explorer did not pass to depth {Depth}: {_probe.Summary()}");
    }

    [Benchmark]
    public ExplorationResult Explore() => ExhaustiveExplorer.Run(Geometry.Tiny, _variant!, Depth, parallelism: 1);

    public void Verify(string benchmark, object? result)
    {
        Check.That(result is ExplorationResult { Passed: true } run && run.States == _probe!.States && run.Transitions == _probe.Transitions,
            $"the exploration differed from the probe's {_probe!.States} states: {(result as ExplorationResult)?.Summary()}");
    }
}
