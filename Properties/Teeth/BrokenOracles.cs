using PymallocVerify.Allocator;

namespace PymallocVerify.Properties.Teeth;

// Seeded bugs in the classic address_in_range, one per struct. Each differs from PoolIndexOracle in exactly the
// clause its name says. They exist so the properties can be shown to kill them (docs/teeth.md).

/// <summary>Forgets <c>index &lt; maxarenas</c>: C reads past the arena table; C#'s bounds check turns that into an exception.</summary>
public struct NoBoundCheckOracle : IOwnershipOracle
{
    private ulong _poolMask, _arenaSize;
    public static OracleKind Kind => OracleKind.PoolIndex;
    public void Initialize(Geometry g) => (_poolMask, _arenaSize) = (~((ulong)g.PoolSize - 1), (ulong)g.ArenaSize);
    public void OnArenaAdded(ulong arenaBase) { }
    public void OnArenaRemoved(ulong arenaBase) { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks
    {
        uint index = memory.ReadArenaIndex((address & _poolMask) + PoolHeader.ArenaIndex);
        ulong arenaBase = arenas[index].Address;
        return address - arenaBase < _arenaSize && arenaBase != 0;
    }
}

/// <summary>Forgets <c>arenas[i].address != 0</c> (the clause added in 2.5): a released or unused slot accepts every p below ARENA_SIZE.</summary>
public struct NoZeroBaseCheckOracle : IOwnershipOracle
{
    private ulong _poolMask, _arenaSize;
    public static OracleKind Kind => OracleKind.PoolIndex;
    public void Initialize(Geometry g) => (_poolMask, _arenaSize) = (~((ulong)g.PoolSize - 1), (ulong)g.ArenaSize);
    public void OnArenaAdded(ulong arenaBase) { }
    public void OnArenaRemoved(ulong arenaBase) { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks
    {
        uint index = memory.ReadArenaIndex((address & _poolMask) + PoolHeader.ArenaIndex);
        return index < (uint)arenas.Length && address - arenas[index].Address < _arenaSize;
    }
}

/// <summary><c>&lt;=</c> instead of <c>&lt;</c>: the first byte past an arena counts as inside it.</summary>
public struct InclusiveBoundOracle : IOwnershipOracle
{
    private ulong _poolMask, _arenaSize;
    public static OracleKind Kind => OracleKind.PoolIndex;
    public void Initialize(Geometry g) => (_poolMask, _arenaSize) = (~((ulong)g.PoolSize - 1), (ulong)g.ArenaSize);
    public void OnArenaAdded(ulong arenaBase) { }
    public void OnArenaRemoved(ulong arenaBase) { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks
    {
        uint index = memory.ReadArenaIndex((address & _poolMask) + PoolHeader.ArenaIndex);
        if (index >= (uint)arenas.Length) return false;
        ulong arenaBase = arenas[index].Address;
        return address - arenaBase <= _arenaSize && arenaBase != 0;
    }
}

/// <summary>Signed subtraction: p below an arena's base gives a negative distance, which is "less than ARENA_SIZE".</summary>
public struct SignedSubtractionOracle : IOwnershipOracle
{
    private ulong _poolMask, _arenaSize;
    public static OracleKind Kind => OracleKind.PoolIndex;
    public void Initialize(Geometry g) => (_poolMask, _arenaSize) = (~((ulong)g.PoolSize - 1), (ulong)g.ArenaSize);
    public void OnArenaAdded(ulong arenaBase) { }
    public void OnArenaRemoved(ulong arenaBase) { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks
    {
        uint index = memory.ReadArenaIndex((address & _poolMask) + PoolHeader.ArenaIndex);
        if (index >= (uint)arenas.Length) return false;
        ulong arenaBase = arenas[index].Address;
        return (long)address - (long)arenaBase < (long)_arenaSize && arenaBase != 0;
    }
}

/// <summary>Trusts the index: any in-range live slot means "mine", without checking p lies in that arena.</summary>
public struct NoRangeCheckOracle : IOwnershipOracle
{
    private ulong _poolMask;
    public static OracleKind Kind => OracleKind.PoolIndex;
    public void Initialize(Geometry g) => _poolMask = ~((ulong)g.PoolSize - 1);
    public void OnArenaAdded(ulong arenaBase) { }
    public void OnArenaRemoved(ulong arenaBase) { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks
    {
        uint index = memory.ReadArenaIndex((address & _poolMask) + PoolHeader.ArenaIndex);
        return index < (uint)arenas.Length && arenas[index].Address != 0;
    }
}
