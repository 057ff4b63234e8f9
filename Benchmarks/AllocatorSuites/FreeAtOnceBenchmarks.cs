using BenchmarkDotNet.Attributes;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Benchmarks.Workloads;

namespace PymallocVerify.Benchmarks.AllocatorSuites;

/// <summary>
/// malloc + immediate free. One operation = one malloc/free pair. Reference (docs/performance.md): C pymalloc 3.11 runs this at
/// 0.83× of glibc; the port's target is ≤ 0.80×. With a single live block the pool empties on every free, so each
/// pair takes pymalloc's slow paths (pool to the arena's free list and back), exactly as in CPython.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SingleThreadedSuiteConfig))]
[NoManagedAllocation]
public class FreeAtOnceBenchmarks : ISelfChecked
{
    public const int Operations = 16384;

    [Params(SizePattern.Random8To512, SizePattern.Fixed32, SizePattern.Fixed64, SizePattern.Fixed256)]
    public SizePattern Sizes { get; set; }

    private uint[] _sizes = [];
    private PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks>? _classic;
    private PymallocHeap<NativeMemorySpace, RadixTreeOracle, NoHooks>? _modern;
    private SegregatedFreeList? _floor;

    // Targeted, so a machine without libpython3.11 fails only the CPython311 rows.
    [GlobalSetup(Targets = [nameof(NativeMemory), nameof(LibcDirect), nameof(Pymalloc), nameof(PymallocModernRadix), nameof(FreeListFloor)])]
    public void Setup()
    {
        Console.WriteLine(QuietCpu.PinCurrentThread());
        _sizes = Sequences.Sizes(Sizes, Operations);
        _classic = new(Geometry.Classic);
        _modern = new(Geometry.Modern);
        _floor = new();
    }

    [GlobalSetup(Target = nameof(CPython311))]
    public void SetupCPython311()
    {
        CPythonAllocator.EnsureAvailable();
        Setup();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _classic?.Dispose();
        _modern?.Dispose();
        _floor?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public ulong NativeMemory() => AllocationLoops.FreeAtOnce(new SystemAllocator(), _sizes);

    [Benchmark(OperationsPerInvoke = Operations)]
    public ulong LibcDirect() => AllocationLoops.FreeAtOnce(new LibcAllocator(), _sizes);

    /// <summary>C pymalloc 3.11 (modern geometry, radix tree): the reference, measured here.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public ulong CPython311() => AllocationLoops.FreeAtOnce(new CPythonAllocator(), _sizes);

    /// <summary>Classic geometry (4 KiB pools, 256 KiB arenas), classic address_in_range.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public ulong Pymalloc() => AllocationLoops.FreeAtOnce(new PymallocAllocator<PoolIndexOracle>(_classic!), _sizes);

    /// <summary>Modern geometry (16 KiB pools, 1 MiB arenas), radix-tree arena map, as CPython 3.10+.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public ulong PymallocModernRadix() => AllocationLoops.FreeAtOnce(new PymallocAllocator<RadixTreeOracle>(_modern!), _sizes);

    [Benchmark(OperationsPerInvoke = Operations)]
    public ulong FreeListFloor() => AllocationLoops.FreeAtOnce(new FreeListAllocator(_floor!), _sizes);

    public void Verify(string benchmark, object? result)
    {
        Check.That(result is ulong checksum && checksum != 0, "a loop returned no block addresses");
        if (benchmark == nameof(Pymalloc)) HeapChecks.Empty(_classic!);
        if (benchmark == nameof(PymallocModernRadix)) HeapChecks.Empty(_modern!);
    }
}
