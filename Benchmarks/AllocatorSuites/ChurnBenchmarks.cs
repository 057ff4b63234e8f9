using BenchmarkDotNet.Attributes;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Benchmarks.SelfChecks;
using PymallocVerify.Benchmarks.Workloads;

namespace PymallocVerify.Benchmarks.AllocatorSuites;

/// <summary>
/// A working set of <see cref="LiveBlocks"/> live blocks under random replacement: each step frees the block in a
/// random slot (so blocks die in random order) and allocates the next size into it. One operation = one
/// free/malloc pair. The working set persists across invocations (filled in the setup), so every measured step is
/// steady state. Issue 7 sets ≤ 0.30× of NativeMemory for "1000 live blocks freed in random order".
/// </summary>
[MemoryDiagnoser]
[Config(typeof(SingleThreadedSuiteConfig))]
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
    private PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks>? _classic;
    private PymallocHeap<NativeMemorySpace, RadixTreeOracle, NoHooks>? _modern;
    private SegregatedFreeList? _floor;

    private void Prepare()
    {
        Console.WriteLine(QuietCpu.PinCurrentThread());
        _sizes = Sequences.Sizes(Sizes, Operations);
        _slots = Sequences.Slots(LiveBlocks, Operations);
        _classic = new(Geometry.Classic);
        _modern = new(Geometry.Modern);
        _floor = new();
    }

    private SystemAllocator System => default;
    private LibcAllocator Libc => default;
    private CPythonAllocator CPython => default;
    private PymallocAllocator<PoolIndexOracle> Classic => new(_classic!);
    private PymallocAllocator<RadixTreeOracle> Modern => new(_modern!);
    private FreeListAllocator Floor => new(_floor!);

    // Each benchmark fills the working set with its own allocator before measuring and frees it afterwards.
    [GlobalSetup(Target = nameof(NativeMemory))]
    public void SetupNativeMemory() { Prepare(); AllocationLoops.Fill(System, _live, _sizes); }

    [GlobalSetup(Target = nameof(LibcDirect))]
    public void SetupLibcDirect() { Prepare(); AllocationLoops.Fill(Libc, _live, _sizes); }

    [GlobalSetup(Target = nameof(CPython311))]
    public void SetupCPython311() { CPythonAllocator.EnsureAvailable(); Prepare(); AllocationLoops.Fill(CPython, _live, _sizes); }

    [GlobalSetup(Target = nameof(Pymalloc))]
    public void SetupPymalloc() { Prepare(); AllocationLoops.Fill(Classic, _live, _sizes); }

    [GlobalSetup(Target = nameof(PymallocModernRadix))]
    public void SetupPymallocModernRadix() { Prepare(); AllocationLoops.Fill(Modern, _live, _sizes); }

    [GlobalSetup(Target = nameof(FreeListFloor))]
    public void SetupFreeListFloor() { Prepare(); AllocationLoops.Fill(Floor, _live, _sizes); }

    [GlobalCleanup(Target = nameof(NativeMemory))]
    public void CleanupNativeMemory() { AllocationLoops.FreeAll(System, _live); DisposeAll(); }

    [GlobalCleanup(Target = nameof(LibcDirect))]
    public void CleanupLibcDirect() { AllocationLoops.FreeAll(Libc, _live); DisposeAll(); }

    [GlobalCleanup(Target = nameof(CPython311))]
    public void CleanupCPython311() { AllocationLoops.FreeAll(CPython, _live); DisposeAll(); }

    [GlobalCleanup(Target = nameof(Pymalloc))]
    public void CleanupPymalloc() { AllocationLoops.FreeAll(Classic, _live); DisposeAll(); }

    [GlobalCleanup(Target = nameof(PymallocModernRadix))]
    public void CleanupPymallocModernRadix() { AllocationLoops.FreeAll(Modern, _live); DisposeAll(); }

    [GlobalCleanup(Target = nameof(FreeListFloor))]
    public void CleanupFreeListFloor() { AllocationLoops.FreeAll(Floor, _live); DisposeAll(); }

    private void DisposeAll()
    {
        _classic?.Dispose();
        _modern?.Dispose();
        _floor?.Dispose();
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Operations)]
    public void NativeMemory() => AllocationLoops.Churn(System, _live, _slots, _sizes);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void LibcDirect() => AllocationLoops.Churn(Libc, _live, _slots, _sizes);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void CPython311() => AllocationLoops.Churn(CPython, _live, _slots, _sizes);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void Pymalloc() => AllocationLoops.Churn(Classic, _live, _slots, _sizes);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void PymallocModernRadix() => AllocationLoops.Churn(Modern, _live, _slots, _sizes);

    [Benchmark(OperationsPerInvoke = Operations)]
    public void FreeListFloor() => AllocationLoops.Churn(Floor, _live, _slots, _sizes);

    public void Verify(string benchmark, object? result)
    {
        // Replay the slot sequence to know each live block's requested size, then check the working set.
        var liveSizes = new ulong[LiveBlocks];
        for (int i = 0; i < LiveBlocks; i++) liveSizes[i] = _sizes[i % _sizes.Length];
        for (int i = 0; i < _sizes.Length; i++) liveSizes[_slots[i]] = _sizes[i];
        BlockChecks.Disjoint(_live, liveSizes);
        if (benchmark == nameof(Pymalloc)) HeapChecks.Holds(_classic!, _live);
        if (benchmark == nameof(PymallocModernRadix)) HeapChecks.Holds(_modern!, _live);
    }
}
