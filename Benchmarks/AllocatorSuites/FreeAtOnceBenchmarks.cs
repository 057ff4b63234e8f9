using BenchmarkDotNet.Attributes;
using PymallocVerify.Allocator;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Benchmarks.Workloads;

namespace PymallocVerify.Benchmarks.AllocatorSuites;

/// <summary>
/// malloc + immediate free, pymalloc against the system allocator. One operation = one malloc/free pair.
/// Reference (issue 7): C pymalloc 3.11 runs this at 0.83× of glibc; the port's target is ≤ 0.80×.
/// </summary>
[MemoryDiagnoser]
[NoManagedAllocation]
public class FreeAtOnceBenchmarks : ISelfChecked
{
    public const int Operations = 16384;

    [Params(SizePattern.Random8To512, SizePattern.Fixed32, SizePattern.Fixed64, SizePattern.Fixed256)]
    public SizePattern Sizes { get; set; }

    private uint[] _sizes = [];
    private PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks>? _heap;

    [GlobalSetup]
    public void Setup()
    {
        _sizes = Sequences.Sizes(Sizes, Operations);
        _heap = new(Geometry.Classic);
    }

    [GlobalCleanup]
    public void Cleanup() => _heap?.Dispose();

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public ulong NativeMemory() => AllocationLoops.FreeAtOnce(new SystemAllocator(), _sizes);

    [Benchmark(OperationsPerInvoke = Operations)]
    public ulong Pymalloc() => AllocationLoops.FreeAtOnce(new PymallocAllocator<PoolIndexOracle>(_heap!), _sizes);

    public void Verify(string benchmark, object? result)
    {
        Check.That(result is ulong checksum && checksum != 0, "a loop returned no block addresses");
        if (benchmark == nameof(Pymalloc)) HeapChecks.Empty(_heap!);
    }
}
