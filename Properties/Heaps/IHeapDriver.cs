using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.Properties.Heaps;

/// <summary>
/// A heap with its memory backend, oracle and hooks fixed, behind one non-generic face, so the runner drives the real
/// allocator and every seeded-bug variant the same way, on real or simulated memory.
/// </summary>
public interface IHeapDriver : IDisposable
{
    ulong Malloc(ulong size);
    ulong Calloc(ulong count, ulong size);
    ulong Realloc(ulong address, ulong size);
    void Free(ulong address);
    bool IsOwned(ulong address);
    ArenaObject[] ArenaTable { get; }
    void CheckInvariants();

    /// <summary>The heap's list heads (usedpools per class, usable_arenas, unused arena objects), for canonical-state hashing.</summary>
    HeapListHeads ListHeads { get; }

    /// <summary>The <c>sys._debugmallocstats()</c> content (what the CLI's <c>stats</c> prints).</summary>
    HeapStats GetStats();

    /// <summary>The radix tree's node counts when the oracle is the radix tree, else null.</summary>
    ArenaMapStats? ArenaMapStats { get; }
}

/// <summary>Builds a variant's heap over any memory backend (the JIT specialises the heap per backend, oracle and hooks).</summary>
public interface IHeapFactory
{
    IHeapDriver Create<TMemory>(Geometry geometry, TMemory memory, HeapCheckLevel checks) where TMemory : struct, IMemorySpace;
}

/// <summary>The factory for a heap with <typeparamref name="TOracle"/> and <typeparamref name="THooks"/>.</summary>
public sealed class HeapFactory<TOracle, THooks> : IHeapFactory
    where TOracle : struct, IOwnershipOracle
    where THooks : struct, IHeapHooks
{
    public static HeapFactory<TOracle, THooks> Instance { get; } = new();

    public IHeapDriver Create<TMemory>(Geometry geometry, TMemory memory, HeapCheckLevel checks) where TMemory : struct, IMemorySpace =>
        new HeapDriver<TMemory, TOracle, THooks>(geometry, memory, checks);
}

/// <summary>The one generic implementation: the JIT specialises the heap per backend, oracle and hook type, as in production.</summary>
public class HeapDriver<TMemory, TOracle, THooks>(Geometry geometry, TMemory memory, HeapCheckLevel checks, THooks hooks = default)
    : IHeapDriver
    where TMemory : struct, IMemorySpace
    where TOracle : struct, IOwnershipOracle
    where THooks : struct, IHeapHooks
{
    protected readonly PymallocHeap<TMemory, TOracle, THooks> Heap = new(geometry, memory, default, hooks, checks);

    public ulong Malloc(ulong size) => Heap.Malloc(size);
    public ulong Calloc(ulong count, ulong size) => Heap.Calloc(count, size);
    public ulong Realloc(ulong address, ulong size) => Heap.Realloc(address, size);
    public void Free(ulong address) => Heap.Free(address);
    public bool IsOwned(ulong address) => Heap.IsOwned(address);
    public ArenaObject[] ArenaTable => Heap.ArenaTableSnapshot;
    public void CheckInvariants() => Heap.CheckInvariants();
    public HeapListHeads ListHeads => new([.. Heap.UsedPoolHeads], Heap.UsableArenasHead, Heap.UnusedArenaObjectsHead);
    public HeapStats GetStats() => Heap.GetStats();
    public ArenaMapStats? ArenaMapStats => (object)Heap.Oracle is RadixTreeOracle radix ? radix.Map.GetStats() : null;
    public void Dispose() => Heap.Dispose();
}

/// <summary>The heads of the heap's lists: what decides where the next block and the next arena go.</summary>
public sealed record HeapListHeads(ulong[] UsedPools, int UsableArenas, int UnusedArenaObjects);
