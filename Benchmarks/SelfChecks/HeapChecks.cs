using PymallocVerify.Allocator;

namespace PymallocVerify.Benchmarks.SelfChecks;

/// <summary>Checks on the pymalloc heap after a benchmark body ran.</summary>
public static class HeapChecks
{
    /// <summary>The invariants hold and no block is in use.</summary>
    public static void Empty<TOracle>(PymallocHeap<NativeMemorySpace, TOracle, NoHooks> heap)
        where TOracle : struct, IOwnershipOracle
    {
        heap.CheckInvariants();
        long inUse = heap.GetStats().BlocksInUse;
        Check.That(inUse == 0, $"{inUse} blocks still in use after the workload freed everything");
    }

    /// <summary>The invariants hold, exactly <paramref name="live"/> are in use, and the oracle owns each of them.</summary>
    public static void Holds<TOracle>(PymallocHeap<NativeMemorySpace, TOracle, NoHooks> heap, ulong[] live)
        where TOracle : struct, IOwnershipOracle
    {
        heap.CheckInvariants();
        long inUse = heap.GetStats().BlocksInUse;
        Check.That(inUse == live.Length, $"{inUse} blocks in use, but the workload holds {live.Length}");
        foreach (ulong block in live)
            Check.That(heap.IsOwned(block), $"the oracle disowns live block 0x{block:x}");
    }
}
