using BenchmarkDotNet.Attributes;
using PymallocVerify.Allocator;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Benchmarks.Workloads;

namespace PymallocVerify.Benchmarks.AllocatorSuites;

/// <summary>
/// A working set of <see cref="LiveBlocks"/> live blocks under random replacement: each step frees the block in a
/// random slot (so blocks die in random order) and allocates the next size into it. One operation = one
/// free/malloc pair. Reference (issue 7): C pymalloc 3.11 at 0.31× of glibc with 1000 live blocks; target ≤ 0.30×.
/// The working set persists across invocations (filled in the setup), so every measured step is steady state.
/// </summary>
[MemoryDiagnoser]
[NoManagedAllocation]
public class ChurnBenchmarks : ISelfChecked
{
    public const int Operations = 16384;
    public const int LiveBlocks = 1000;

    [Params(SizePattern.Random8To512, SizePattern.Fixed32, SizePattern.Fixed64, SizePattern.Fixed256)]
    public SizePattern Sizes { get; set; }

    private uint[] _sizes = [];
    private ushort[] _slots = [];
    private readonly ulong[] _live = new ulong[LiveBlocks];
    private PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks>? _heap;

    private void Prepare()
    {
        _sizes = Sequences.Sizes(Sizes, Operations);
        _slots = Sequences.Slots(LiveBlocks, Operations);
        _heap = new(Geometry.Classic);
    }

    [GlobalSetup(Target = nameof(NativeMemory))]
    public void SetupNativeMemory()
    {
        Prepare();
        AllocationLoops.Fill(new SystemAllocator(), _live, _sizes);
    }

    [GlobalSetup(Target = nameof(Pymalloc))]
    public void SetupPymalloc()
    {
        Prepare();
        AllocationLoops.Fill(Pymalloc(_heap!), _live, _sizes);
    }

    [GlobalCleanup(Target = nameof(NativeMemory))]
    public void CleanupNativeMemory()
    {
        AllocationLoops.FreeAll(new SystemAllocator(), _live);
        _heap?.Dispose();
    }

    [GlobalCleanup(Target = nameof(Pymalloc))]
    public void CleanupPymalloc()
    {
        AllocationLoops.FreeAll(Pymalloc(_heap!), _live);
        _heap?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public void NativeMemory() => AllocationLoops.Churn(new SystemAllocator(), _live, _slots, _sizes);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void Pymalloc() => AllocationLoops.Churn(Pymalloc(_heap!), _live, _slots, _sizes);

    private static PymallocAllocator<PoolIndexOracle> Pymalloc(PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks> heap) =>
        new(heap);

    public void Verify(string benchmark, object? result)
    {
        // Replay the slot sequence to know each live block's requested size, then check the working set.
        var liveSizes = new ulong[LiveBlocks];
        for (int i = 0; i < LiveBlocks; i++) liveSizes[i] = _sizes[i % _sizes.Length];
        for (int i = 0; i < _sizes.Length; i++) liveSizes[_slots[i]] = _sizes[i];
        BlockChecks.Disjoint(_live, liveSizes);
        if (benchmark == nameof(Pymalloc)) HeapChecks.Holds(_heap!, _live);
    }
}
