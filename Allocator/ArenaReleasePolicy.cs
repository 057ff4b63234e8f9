namespace PymallocVerify.Allocator;

/// <summary>When a wholly free arena goes back to the system (case 1 of CPython's <c>insert_to_freepool</c>).</summary>
public enum ArenaReleasePolicy
{
    /// <summary>3.9+ (bpo-37257): only if it is not the last usable arena, so alloc/free cycles at an arena boundary do not thrash.</summary>
    KeepLastUsable,

    /// <summary>3.8 and earlier: as soon as all its pools are free.</summary>
    ReleaseEveryFreeArena,
}
