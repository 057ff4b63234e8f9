namespace PymallocVerify.Allocator;

/// <summary>
/// One slot of the arena table (CPython's <c>struct arena_object</c>). Links are slot indices, -1 = none.
/// Invariants (checked by <c>CheckInvariants</c>):
/// <list type="bullet">
/// <item><c>Address == 0</c> ⇔ the slot is on the unused list (CPython (a)).</item>
/// <item><c>NFreePools == len(FreePools) + (arena end − PoolAddress) / POOL_SIZE</c>.</item>
/// <item><c>NTotalPools == MaxPoolsInArena − [Address not pool-aligned]</c>.</item>
/// </list>
/// </summary>
public struct ArenaObject
{
    /// <summary>Base address from the system allocator; 0 when the slot is unused. Read lock-free by ownership queries.</summary>
    public ulong Address;

    /// <summary>Next never-carved pool (pool-aligned).</summary>
    public ulong PoolAddress;

    /// <summary>Empty pools on <see cref="FreePools"/> plus never-carved pools.</summary>
    public uint NFreePools;

    public uint NTotalPools;

    /// <summary>Head of the singly linked list of empty pools (linked through each header's nextpool).</summary>
    public ulong FreePools;

    /// <summary>usable_arenas links while allocated; the unused list uses <see cref="NextArena"/> only.</summary>
    public int NextArena;

    public int PrevArena;
}
