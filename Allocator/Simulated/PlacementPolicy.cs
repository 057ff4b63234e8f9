namespace PymallocVerify.Allocator.Simulated;

/// <summary>Where the simulated system puts an arena.</summary>
public enum ArenaPlacement
{
    /// <summary>Page-aligned and, when a pool is larger than a page, off the pool boundary: mmap's result (CPython 3.10+).</summary>
    PageAligned,

    /// <summary>Only 16-byte aligned and off the pool boundary: malloc's result; the arena loses a pool.</summary>
    Unaligned,

    /// <summary>On a pool boundary but not on an arena boundary.</summary>
    PoolAligned,

    /// <summary>On an arena boundary: the radix tree's "ideal" address (tail_hi = −1).</summary>
    ArenaAligned,

    /// <summary>Right after the end of a live arena (16-byte aligned), so two arenas touch.</summary>
    DirectlyAfterArena,

    /// <summary>Base below one arena size (but not 0): <c>p − base</c> and <c>p &lt; ARENA_SIZE</c> edge cases.</summary>
    BelowArenaSize,

    /// <summary>Ending within a few 16-byte steps of 2^64: wrap-around edge cases.</summary>
    NearTop,

    /// <summary>At the address of a released arena, when there is one.</summary>
    ReleasedArenaAddress,
}

/// <summary>Where the simulated system puts a block from SystemMalloc/Calloc/Realloc ("foreign" memory).</summary>
public enum ForeignPlacement
{
    /// <summary>The ordinary heap: 16-byte aligned, a redzone between blocks; large blocks on their own pages.</summary>
    Heap,

    /// <summary>Ending right where a live arena begins.</summary>
    DirectlyBeforeArena,

    /// <summary>Starting right where a live arena ends.</summary>
    DirectlyAfterArena,

    /// <summary>At the base of a released arena, whose bytes still hold its stale pool headers.</summary>
    InReleasedArena,

    /// <summary>Base below one arena size (but not 0).</summary>
    BelowArenaSize,

    /// <summary>Ending within a few 16-byte steps of 2^64.</summary>
    NearTop,

    /// <summary>
    /// Page-aligned, one page after a fresh arena-aligned (and pool-aligned) boundary with nothing mapped in
    /// between: when a pool is larger than a page, the block's pool base lies in an unmapped page (bpo-37211).
    /// </summary>
    OwnPagesAfterGap,
}

/// <summary>
/// How the simulated system allocator chooses addresses: deterministic for a given <see cref="Seed"/>. Each
/// allocation picks a strategy uniformly from <see cref="ArenaChoices"/> / <see cref="ForeignChoices"/> (repeat
/// an entry to weight it); a strategy that cannot be satisfied (no arena to sit next to, range taken) falls
/// back to the ordinary place. A caller can force one placement with
/// <see cref="SimulatedAddressSpace.PlaceNextArena(ArenaPlacement)"/> and friends.
/// </summary>
public sealed record PlacementPolicy
{
    public PlacementPolicy(Geometry geometry, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        PoolSize = (ulong)geometry.PoolSize;
        ArenaSize = (ulong)geometry.ArenaSize;
        Seed = seed;
    }

    /// <summary>Pool size the alignment strategies refer to.</summary>
    public ulong PoolSize { get; }

    /// <summary>Arena size the alignment strategies refer to.</summary>
    public ulong ArenaSize { get; }

    public ulong Seed { get; init; }

    /// <summary>Arena strategies to choose from; default: mmap-like page alignment only.</summary>
    public IReadOnlyList<ArenaPlacement> ArenaChoices { get; init; } = [ArenaPlacement.PageAligned];

    /// <summary>Foreign-block strategies to choose from; default: the ordinary heap only.</summary>
    public IReadOnlyList<ForeignPlacement> ForeignChoices { get; init; } = [ForeignPlacement.Heap];

    /// <summary>Unaddressable bytes left between ordinary heap blocks (memcheck's default redzone is 16).</summary>
    public ulong RedzoneBytes { get; init; } = 16;

    /// <summary>Ordinary heap blocks at least this large get their own pages, as glibc's mmap threshold does.</summary>
    public ulong MmapThreshold { get; init; } = 128 * 1024;

    /// <summary>
    /// Every strategy in the mix, weighted towards the ordinary placements so most operations still look normal.
    /// </summary>
    public static PlacementPolicy Adversarial(Geometry geometry, ulong seed) => new(geometry, seed)
    {
        ArenaChoices =
        [
            ArenaPlacement.PageAligned, ArenaPlacement.PageAligned, ArenaPlacement.Unaligned, ArenaPlacement.PoolAligned,
            ArenaPlacement.ArenaAligned, ArenaPlacement.DirectlyAfterArena, ArenaPlacement.BelowArenaSize,
            ArenaPlacement.NearTop, ArenaPlacement.ReleasedArenaAddress,
        ],
        ForeignChoices =
        [
            ForeignPlacement.Heap, ForeignPlacement.Heap, ForeignPlacement.Heap, ForeignPlacement.DirectlyBeforeArena,
            ForeignPlacement.DirectlyAfterArena, ForeignPlacement.InReleasedArena, ForeignPlacement.BelowArenaSize,
            ForeignPlacement.NearTop, ForeignPlacement.OwnPagesAfterGap,
        ],
    };

    internal void Validate()
    {
        if (ArenaChoices.Count == 0 || ForeignChoices.Count == 0)
            throw new ArgumentException("a placement policy needs at least one arena and one foreign strategy");
        if (RedzoneBytes % 16 != 0)
            throw new ArgumentException($"redzone must be a multiple of 16 bytes (malloc alignment); got {RedzoneBytes}");
    }
}
