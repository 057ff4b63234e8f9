namespace PymallocVerify.Properties.Running;

/// <summary>
/// The allocator situations the properties must meet (<see cref="SituationTracker"/> recognises them; a coverage test
/// fails when one is never met). Each is a place where a bug can hide that ordinary programs rarely visit: a calloc
/// that zeroes only freshly carved blocks passes every program that never callocs a block recycled from a free list.
/// </summary>
public enum AllocatorSituation
{
    PoolEmptyToUsed,
    PoolUsedToFull,
    PoolFullToUsed,
    PoolUsedToEmpty,
    /// <summary>An emptied pool hands out a block of another size class (its free list is rebuilt).</summary>
    PoolReusedForAnotherClass,

    /// <summary>A block freed before the most recent free comes back (deeper in a free list than its head).</summary>
    MallocFromEarlierFree,
    MallocFromFreshCarve,
    MallocFromPoolOfAnotherClass,
    CallocFromEarlierFree,
    CallocFromFreshCarve,
    CallocFromPoolOfAnotherClass,
    ReallocFromEarlierFree,
    ReallocFromFreshCarve,
    ReallocFromPoolOfAnotherClass,

    ArenaOpened,
    ArenaReleased,
    /// <summary>A new arena at the address of one released earlier in the run.</summary>
    ArenaReopenedAtReleasedAddress,
    ArenaTableGrown,
    /// <summary>Two usable arenas with the same number of free pools: usable_arenas' order and nfp2lasta must break the tie.</summary>
    Nfp2lastaTie,

    ReallocInPlace,
    ReallocMovedToLargerClass,
    ReallocMovedToSmallerClass,
    ReallocToSystem,
    ReallocOfSystemBlock,
}
