using BenchmarkDotNet.Attributes;
using PymallocVerify.Allocator;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Properties;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Benchmarks.VerificationSuites;

/// <summary>
/// A model-based property run end to end, as `dotnet test` and the CLI run it: FsCheck generation, execution on
/// real memory through the recording backend, the reference model's verdict and the invariant walk after every
/// step. One benchmark operation = one generated case; the report adds operations checked per second.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SingleThreadedSuiteConfig))]
public class PropertyCampaignBenchmarks : ISelfChecked, IWorkCounted
{
    public const int Cases = 40;

    [Params("classic", "tiny")]
    public string Geometry { get; set; } = "classic";

    private PropertyCampaignSettings? _settings;
    private PropertyCampaignResult? _probe;

    public string WorkUnit => "operations checked";

    public double WorkPerOperation => (double)_probe!.OperationsChecked / Cases;

    [GlobalSetup]
    public void Setup()
    {
        Console.WriteLine(QuietCpu.PinCurrentThread());
        _settings = new PropertyCampaignSettings
        {
            Geometry = PropertyGeometries.FromName(Geometry),
            Variant = HeapVariant.RealPoolIndex,
            Seed = 20260729,
            Cases = Cases,
            CounterexampleDirectory = null,
        };
        _probe = PropertyCampaign.Run(_settings); // deterministic: every invocation checks the same operations
        Check.That(_probe.Passed, $"the property campaign failed on the production allocator: {_probe.Summary()}");
    }

    [Benchmark(OperationsPerInvoke = Cases)]
    public PropertyCampaignResult PropertyRun() => PropertyCampaign.Run(_settings!);

    public void Verify(string benchmark, object? result)
    {
        Check.That(result is PropertyCampaignResult { Passed: true, Cases: Cases } run && run.OperationsChecked == _probe!.OperationsChecked,
            $"the campaign did not run {Cases} passing cases with {_probe!.OperationsChecked} operations: {(result as PropertyCampaignResult)?.Summary()}");
    }
}
