using PymallocVerify.Allocator;

namespace PymallocVerify.Properties.Teeth;

// Seeded bugs in the classic address_in_range. Each rule differs from PoolIndexOracle.Decide in exactly the
// clause its name says; BrokenPoolIndexOracle<TRule> does the rest (the one index read) as the real oracle does.
// They exist so the properties can be shown to kill them (docs/teeth.md).

/// <summary>A (broken) decision on an arena index already read from the pool header.</summary>
public interface IIndexRule
{
    static abstract bool Decide(uint index, ArenaObject[] arenas, ulong address, ulong arenaSize);
}

/// <summary>The classic oracle with its decision replaced by <typeparamref name="TRule"/>.</summary>
public struct BrokenPoolIndexOracle<TRule> : IOwnershipOracle where TRule : struct, IIndexRule
{
    private ulong _poolMask, _arenaSize;

    public static OracleKind Kind => OracleKind.PoolIndex;

    public void Initialize(Geometry geometry) =>
        (_poolMask, _arenaSize) = (~((ulong)geometry.PoolSize - 1), (ulong)geometry.ArenaSize);

    public void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks =>
        TRule.Decide(memory.ReadArenaIndex((address & _poolMask) + PoolHeader.ArenaIndex), arenas, address, _arenaSize);
}

/// <summary>Forgets <c>index &lt; maxarenas</c>: C reads past the arena table; C#'s bounds check turns that into an exception.</summary>
public struct NoBoundCheck : IIndexRule
{
    public static bool Decide(uint index, ArenaObject[] arenas, ulong address, ulong arenaSize) =>
        address - arenas[index].Address < arenaSize && arenas[index].Address != 0;
}

/// <summary>Forgets <c>arenas[i].address != 0</c> (the clause added in 2.5): a released or unused slot accepts every p below ARENA_SIZE.</summary>
public struct NoZeroBaseCheck : IIndexRule
{
    public static bool Decide(uint index, ArenaObject[] arenas, ulong address, ulong arenaSize) =>
        index < (uint)arenas.Length && address - arenas[index].Address < arenaSize;
}

/// <summary><c>&lt;=</c> instead of <c>&lt;</c>: the first byte past an arena counts as inside it.</summary>
public struct InclusiveBound : IIndexRule
{
    public static bool Decide(uint index, ArenaObject[] arenas, ulong address, ulong arenaSize) =>
        index < (uint)arenas.Length && address - arenas[index].Address <= arenaSize && arenas[index].Address != 0;
}

/// <summary>Signed subtraction: p below an arena's base gives a negative distance, which is "less than ARENA_SIZE".</summary>
public struct SignedSubtraction : IIndexRule
{
    public static bool Decide(uint index, ArenaObject[] arenas, ulong address, ulong arenaSize) =>
        index < (uint)arenas.Length && (long)address - (long)arenas[index].Address < (long)arenaSize
        && arenas[index].Address != 0;
}

/// <summary>Trusts the index: any in-range live slot means "mine", without checking p lies in that arena.</summary>
public struct NoRangeCheck : IIndexRule
{
    public static bool Decide(uint index, ArenaObject[] arenas, ulong address, ulong arenaSize) =>
        index < (uint)arenas.Length && arenas[index].Address != 0;
}
