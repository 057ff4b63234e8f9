using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Oracles;

// Each rule differs from PoolIndexOracle's decision in exactly the clause its name says.

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
