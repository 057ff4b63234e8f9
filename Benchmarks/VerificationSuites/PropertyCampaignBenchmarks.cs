using BenchmarkDotNet.Attributes;
using PymallocVerify.Allocator;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Benchmarks.Workloads;
using PymallocVerify.Properties;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Specs;

namespace PymallocVerify.Benchmarks.VerificationSuites;

/// <summary>
/// A model-based property run end to end, as `dotnet test` and the CLI run it: FsCheck generation, execution on
/// real memory through the recording backend, the reference model's verdict and the invariant walk after every
/// step. One benchmark operation = one generated case; the report adds operations checked per second.
/// <see cref="BareHeapCalls"/> makes the same cases' heap calls with no check at all (<see cref="BareHeapReplay"/>),
/// so the report can set the checked run's time per operation beside a bare heap call's from the same run.
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
    private BareHeapReplay? _bare;

    public string WorkUnit => _bare is null ? "operations checked" : "bare heap calls";

    public double WorkPerOperation => _bare is null ? (double)_probe!.OperationsChecked / Cases : (double)_bare.HeapCalls / Cases;

    public string? ReferenceMethod => nameof(BareHeapCalls);

    private PropertyCampaignSettings Settings() => new()
    {
        Geometry = PropertyGeometries.FromName(Geometry),
        Variant = HeapVariant.RealPoolIndex,
        Seed = 20260729,
        Cases = Cases,
        CounterexampleDirectory = null,
    };

    [GlobalSetup(Target = nameof(PropertyRun))]
    public void Setup()
    {
        Console.WriteLine(QuietCpu.PinCurrentThread());
        _settings = Settings();
        _probe = PropertyCampaign.Run(_settings); // deterministic: every invocation checks the same operations
        Check.That(_probe.Passed, $"the property campaign failed on the production allocator: {_probe.Summary()}");
    }

    [GlobalSetup(Target = nameof(BareHeapCalls))]
    public void SetupBare()
    {
        Console.WriteLine(QuietCpu.PinCurrentThread());
        PropertyCampaignSettings settings = Settings();
        PropertySubject subject = settings.ToSubject();
        _bare = new BareHeapReplay(subject.Runner.Geometry,
            Enumerable.Range(0, Cases).Select(i => PropertyCampaign.Generate(subject, PropertyCampaign.CaseSeed(settings, i))));
    }

    [Benchmark(OperationsPerInvoke = Cases)]
    public PropertyCampaignResult PropertyRun() => PropertyCampaign.Run(_settings!);

    [Benchmark(OperationsPerInvoke = Cases)]
    public int BareHeapCalls() => _bare!.Run();

    public void Verify(string benchmark, object? result)
    {
        if (benchmark == nameof(BareHeapCalls))
        {
            Check.That(result is int calls && calls == _bare!.HeapCalls, $"expected {_bare!.HeapCalls} bare heap calls, made {result}");
            _bare.Heap.CheckInvariants();
            Check.That(_bare.Heap.GetStats().BlocksInUse == 0, "the bare replay left blocks live after its teardown");
            return;
        }
        Check.That(result is PropertyCampaignResult { Passed: true, Cases: Cases } run && run.OperationsChecked == _probe!.OperationsChecked,
            $"the campaign did not run {Cases} passing cases with {_probe!.OperationsChecked} operations: {(result as PropertyCampaignResult)?.Summary()}");
    }
}
