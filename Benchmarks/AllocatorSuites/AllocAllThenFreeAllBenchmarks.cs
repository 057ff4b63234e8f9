using BenchmarkDotNet.Attributes;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Benchmarks.Workloads;

namespace PymallocVerify.Benchmarks.AllocatorSuites;

/// <summary>
/// Allocates <see cref="Blocks"/> blocks, then frees all of them in random order. One operation = one malloc and
/// one free; every invocation runs 100 000 pairs. At 1000 blocks everything stays in one or two arenas; at 100 000 (~26 MB of random sizes) pymalloc
/// carves and hands back ~100 arenas per invocation, so the arena paths and the release policy are measured too.
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SingleThreadedSuiteConfig))]
[NoManagedAllocation]
public class AllocAllThenFreeAllBenchmarks : ISelfChecked
{
    /// <summary>malloc/free pairs per invocation: <see cref="Blocks"/> must divide it.</summary>
    public const int Operations = 100_000;

    [Params(1000, 100_000)]
    public int Blocks { get; set; }

    [Params(SizePattern.Random8To512, SizePattern.Fixed64)]
    public SizePattern Sizes { get; set; }

    private uint[] _sizes = [];
    private int[] _freeOrder = [];
    private ulong[] _blocks = [];
    private PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks>? _heap;
    private PymallocHeap<NativeMemorySpace, RadixTreeOracle, NoHooks>? _modern;

    // Targeted, so a machine without libpython3.11 fails only the CPython311 rows.
    [GlobalSetup(Targets = [nameof(NativeMemory), nameof(LibcDirect), nameof(Pymalloc), nameof(PymallocModernRadix)])]
    public void Setup()
    {
        Console.WriteLine(QuietCpu.PinCurrentThread());
        if (Blocks <= 0 || Operations % Blocks != 0)
            throw new ArgumentException($"Blocks must divide {Operations}; got {Blocks}");
        _sizes = Sequences.Sizes(Sizes, Blocks);
        _freeOrder = Sequences.Permutation(Blocks);
        _blocks = new ulong[Blocks];
        _heap = new(Geometry.Classic);
        _modern = new(Geometry.Modern);
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
        _heap?.Dispose();
        _modern?.Dispose();
    }

    // OperationsPerInvoke is a constant, so every invocation does the same number of pairs whatever Blocks is.
    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public void NativeMemory()
    {
        for (int round = Operations / Blocks; round > 0; round--)
            AllocationLoops.AllocAllThenFreeAll(new SystemAllocator(), _blocks, _sizes, _freeOrder);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void LibcDirect()
    {
        for (int round = Operations / Blocks; round > 0; round--)
            AllocationLoops.AllocAllThenFreeAll(new LibcAllocator(), _blocks, _sizes, _freeOrder);
    }

    /// <summary>C pymalloc 3.11 (modern geometry, radix tree): the reference, measured here.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void CPython311()
    {
        for (int round = Operations / Blocks; round > 0; round--)
            AllocationLoops.AllocAllThenFreeAll(new CPythonAllocator(), _blocks, _sizes, _freeOrder);
    }

    [Benchmark(OperationsPerInvoke = Operations)]
    public void Pymalloc()
    {
        var pymalloc = new PymallocAllocator<PoolIndexOracle>(_heap!);
        for (int round = Operations / Blocks; round > 0; round--)
            AllocationLoops.AllocAllThenFreeAll(pymalloc, _blocks, _sizes, _freeOrder);
    }

    /// <summary>Modern geometry (16 KiB pools, 1 MiB arenas), radix-tree arena map, as CPython 3.10+.</summary>
    [Benchmark(OperationsPerInvoke = Operations)]
    public void PymallocModernRadix()
    {
        var pymalloc = new PymallocAllocator<RadixTreeOracle>(_modern!);
        for (int round = Operations / Blocks; round > 0; round--)
            AllocationLoops.AllocAllThenFreeAll(pymalloc, _blocks, _sizes, _freeOrder);
    }

    public void Verify(string benchmark, object? result)
    {
        BlockChecks.Disjoint(_blocks, Array.ConvertAll(_sizes, s => (ulong)s));
        if (benchmark == nameof(Pymalloc)) HeapChecks.Empty(_heap!);
        if (benchmark == nameof(PymallocModernRadix)) HeapChecks.Empty(_modern!);
    }
}
