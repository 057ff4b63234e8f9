using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PymallocVerify.Allocator;

namespace PymallocVerify.Benchmarks.Workloads;

/// <summary>
/// What a workload needs from an allocator. The allocators are structs passed as generic arguments, so every
/// workload loop is JIT-specialised per allocator: the system allocator and pymalloc run the very same loop.
/// </summary>
public interface IBlockAllocator
{
    ulong Malloc(ulong size);
    void Free(ulong address);
}

/// <summary>The baseline: <see cref="NativeMemory"/>, i.e. the C runtime's malloc/free (glibc on Linux).</summary>
public readonly unsafe struct SystemAllocator : IBlockAllocator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Malloc(ulong size) => (ulong)NativeMemory.Alloc((nuint)size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(ulong address) => NativeMemory.Free((void*)address);
}

/// <summary>The production port over real memory, with a given ownership oracle and no test hooks.</summary>
public readonly struct PymallocAllocator<TOracle>(PymallocHeap<NativeMemorySpace, TOracle, NoHooks> heap) : IBlockAllocator
    where TOracle : struct, IOwnershipOracle
{
    public PymallocHeap<NativeMemorySpace, TOracle, NoHooks> Heap => heap;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Malloc(ulong size) => heap.Malloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(ulong address) => heap.Free(address);
}

/// <summary>The floor: <see cref="SegregatedFreeList"/>.</summary>
public readonly struct FreeListAllocator(SegregatedFreeList list) : IBlockAllocator
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong Malloc(ulong size) => list.Malloc(size);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Free(ulong address) => list.Free(address);
}
