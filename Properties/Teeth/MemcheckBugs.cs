using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.Properties.Teeth;

// Seeded bugs only memcheck sees: on real memory each reads bytes the test owns, so nothing faults and no answer is
// wrong. On the simulated space each read is an unsuppressed error or a read the radix oracle must never make.

/// <summary>The classic oracle reads the arena index a second time with an ordinary load (outside the one suppression).</summary>
public struct IndexReadTwiceOracle : IOwnershipOracle
{
    private PoolIndexOracle _classic;
    private ulong _poolMask;

    public static OracleKind Kind => OracleKind.PoolIndex;

    public void Initialize(Geometry geometry)
    {
        _classic.Initialize(geometry);
        _poolMask = ~((ulong)geometry.PoolSize - 1);
    }

    public void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks
    {
        bool owned = _classic.IsOwned(ref memory, ref hooks, arenas, address);
        uint again = memory.ReadUInt32((address & _poolMask) + PoolHeader.ArenaIndex); // e.g. a "debug check" of the index
        return owned && again < (uint)arenas.Length;
    }
}

/// <summary>A radix oracle with a "fast path" through the pool header: right answers, but it reads foreign memory.</summary>
public struct PeekingRadixOracle : IOwnershipOracle
{
    private RadixTreeOracle _radix;
    private PoolIndexOracle _classic;

    public static OracleKind Kind => OracleKind.RadixTree;

    public void Initialize(Geometry geometry)
    {
        _radix.Initialize(geometry);
        _classic.Initialize(geometry);
    }

    public readonly void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks =>
        _radix.OnArenaAdded(arenaBase, ref hooks);

    public readonly void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks =>
        _radix.OnArenaRemoved(arenaBase, ref hooks);

    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) => _radix.CheckInvariants(arenas, arenaSize);

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks =>
        _classic.IsOwned(ref memory, ref hooks, arenas, address) | _radix.IsOwned(ref memory, ref hooks, arenas, address);
}

/// <summary>The heap reads a released arena: after an arena goes back, carving the next pool peeks at its first header.</summary>
public struct ReadsReleasedArenaHooks : IHeapHooks
{
    private ulong _released;

    public void Interleave(SharedAccess access) { }
    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }
    public void AfterRadixChunkLinked<T>(T[] chunk) { }
    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) => _released = formerAddress;

    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace
    {
        if (_released != 0) _ = memory.ReadUInt64(_released); // e.g. a stats walk that still visits the released arena
    }
}
