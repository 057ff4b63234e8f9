using System.Collections.Immutable;

namespace PymallocVerify.Model;

/// <summary>Who serves a live block.</summary>
public enum BlockKind
{
    /// <summary>Handed out from a pool in a live arena.</summary>
    Pymalloc,
    /// <summary>Obtained from the system allocator (0 bytes, above the threshold, or a system realloc).</summary>
    System,
}

/// <summary>What a block's bytes must hold.</summary>
public enum ContentKind
{
    /// <summary>Nothing known (fresh malloc).</summary>
    Unknown,
    /// <summary>Zero (calloc).</summary>
    Zero,
    /// <summary>The pattern of <see cref="BlockContent.Tag"/>.</summary>
    Tagged,
}

/// <summary>The known content of a block: its first <see cref="ValidLength"/> bytes follow <see cref="Kind"/>.</summary>
public sealed record BlockContent(ContentKind Kind, int Tag, ulong ValidLength)
{
    public static BlockContent Unknown { get; } = new(ContentKind.Unknown, 0, 0);

    /// <summary>The byte the model expects at <paramref name="index"/> (below <see cref="ValidLength"/>).</summary>
    public byte ExpectedByte(ulong index) => Kind == ContentKind.Zero ? (byte)0 : TagPattern.ByteAt(Tag, index);
}

/// <summary>
/// A live block: <see cref="Id"/> names it (b0, b1, …) in printed programs. <see cref="Capacity"/> is the room it
/// really occupies — its size class for pymalloc (kept by an in-place realloc), at least one byte for the system.
/// </summary>
public sealed record LiveBlock(int Id, ulong Address, ulong Size, ulong Capacity, BlockKind Kind, BlockContent Content);

/// <summary>A block the test obtained outside pymalloc.</summary>
public sealed record ForeignBlock(int Id, ulong Address, ulong Size);

/// <summary>
/// A live arena as seen at the system boundary, with the pools that held a pymalloc block since it became
/// live (their headers are initialised: the ownership spec's "Owned" region).
/// </summary>
public sealed record LiveArena(int Ordinal, ulong Base, ulong Size, ImmutableHashSet<ulong> InitializedPools)
{
    public ulong End => Base + Size;

    public bool Contains(ulong address) => address - Base < Size;
}

/// <summary>An arena returned to the system (kept so queries can aim inside it).</summary>
public sealed record ReleasedArena(int Ordinal, ulong Base, ulong Size);

/// <summary>
/// The reference model's state: immutable, compared by value where it matters (lists are compared by the model's
/// own functions, not by record equality).
/// </summary>
public sealed record ModelState
{
    /// <summary>How many returned arenas the model remembers for <see cref="FreedArenaAddress"/>.</summary>
    public const int ReleasedArenaMemory = 8;

    /// <summary>Up to this many live arenas, <see cref="ArenaContaining"/> indexes the list (O(log n) a lookup) instead of
    /// enumerating it.</summary>
    private const int ShortList = 16;

    public required ModelGeometry Geometry { get; init; }

    /// <summary>Arena-map semantics (radix tree): an address in a live arena must be owned even outside initialised pools.</summary>
    public bool UnspecifiedMustBeOwned { get; init; }

    public ImmutableList<LiveArena> Arenas { get; init; } = [];
    public ImmutableList<ReleasedArena> ReleasedArenas { get; init; } = [];

    /// <summary>Live blocks in handle order.</summary>
    public ImmutableList<LiveBlock> Blocks { get; init; } = [];

    /// <summary>
    /// The live blocks again, sorted by start address (<see cref="ByStart"/>), for the lookups by address: one tree for
    /// both the exact and the nearest-below lookup.
    /// </summary>
    public ImmutableSortedSet<LiveBlock> BlocksByStart { get; init; } = NoBlocksByStart;

    public ImmutableList<ForeignBlock> Foreign { get; init; } = [];

    public int NextBlockId { get; init; }
    public int NextForeignId { get; init; }
    public int NextArenaOrdinal { get; init; }
    public int NextTag { get; init; } = 1;

    /// <summary>Orders blocks by start address (two live blocks never share one).</summary>
    public static IComparer<LiveBlock> ByStart { get; } = Comparer<LiveBlock>.Create((x, y) => x.Address.CompareTo(y.Address));

    private static readonly ImmutableSortedSet<LiveBlock> NoBlocksByStart = ImmutableSortedSet.Create(ByStart);

    /// <summary><paramref name="blocks"/> sorted for <see cref="BlocksByStart"/>.</summary>
    public static ImmutableSortedSet<LiveBlock> SortByStart(IEnumerable<LiveBlock> blocks) => NoBlocksByStart.Union(blocks);

    public static ModelState Initial(ModelGeometry geometry, bool unspecifiedMustBeOwned = false)
    {
        geometry.Validate();
        return new ModelState { Geometry = geometry, UnspecifiedMustBeOwned = unspecifiedMustBeOwned };
    }

    /// <summary>Index for a symbolic handle into a list of <paramref name="count"/> items; -1 if the list is empty.</summary>
    public static int SlotOf(int handle, int count) => count == 0 ? -1 : (int)(((long)handle % count + count) % count);

    public LiveBlock? ResolveBlock(int handle) => SlotOf(handle, Blocks.Count) is var i and >= 0 ? Blocks[i] : null;

    public ForeignBlock? ResolveForeign(int handle) => SlotOf(handle, Foreign.Count) is var i and >= 0 ? Foreign[i] : null;

    public LiveArena? ResolveArena(int handle) => SlotOf(handle, Arenas.Count) is var i and >= 0 ? Arenas[i] : null;

    /// <summary>Counts back from the most recently returned arena.</summary>
    public ReleasedArena? ResolveReleasedArena(int handle) =>
        SlotOf(handle, ReleasedArenas.Count) is var i and >= 0 ? ReleasedArenas[ReleasedArenas.Count - 1 - i] : null;

    public LiveArena? ArenaContaining(ulong address)
    {
        // The model's hottest path. An index loop, not foreach: an ImmutableList enumerator rents a stack from a
        // thread-static pool, which cost more than the few lookups of a short list (Find would add a closure per call).
        ImmutableList<LiveArena> arenas = Arenas;
        int count = arenas.Count;
        // Stryker disable once all : both loops find the same arena; which one runs is speed only
        if (count > ShortList) return FindArenaByEnumerating(arenas, address);
        for (int i = 0; i < count; i++)
            if (arenas[i] is var a && a.Contains(address)) return a;
        return null;
    }

    private static LiveArena? FindArenaByEnumerating(ImmutableList<LiveArena> arenas, ulong address)
    {
        foreach (LiveArena a in arenas)
            if (a.Contains(address)) return a;
        return null;
    }

    /// <summary>The ownership specification (<see cref="OwnershipSpec"/>) of <paramref name="address"/> in this state.</summary>
    public Ownership OwnershipOf(ulong address)
    {
        LiveArena? arena = ArenaContaining(address);
        return OwnershipSpec.Classify(arena is not null, arena?.InitializedPools.Contains(Geometry.PoolBaseOf(address)) == true);
    }

    /// <summary>The live block that starts at <paramref name="address"/>, if any.</summary>
    public LiveBlock? BlockAt(ulong address) => BlocksByStart.TryGetValue(Probe(address), out LiveBlock? b) ? b : null;

    /// <summary>The live block whose extent contains <paramref name="address"/>, if any.</summary>
    public LiveBlock? BlockContaining(ulong address) => BlockContaining(address, BlocksByStart.IndexOf(Probe(address)));

    /// <summary><see cref="BlockContaining(ulong)"/>, given what <see cref="BlocksByStart"/>'s search for the address found.</summary>
    private LiveBlock? BlockContaining(ulong address, int found)
    {
        int i = found >= 0 ? found : ~found - 1;
        if (i < 0) return null;
        LiveBlock b = BlocksByStart[i];
        return address - b.Address < b.Capacity ? b : null;
    }

    /// <summary>The first live block overlapping [start, start + length), if any.</summary>
    public LiveBlock? FirstOverlap(ulong start, ulong length)
    {
        int i = BlocksByStart.IndexOf(Probe(start)); // one search for both the block at or below start and the next
        if (BlockContaining(start, i) is { } atStart) return atStart;
        int next = i >= 0 ? i + 1 : ~i;
        if (next < BlocksByStart.Count && BlocksByStart[next].Address - start < length) return BlocksByStart[next];
        return null;
    }

    /// <summary>A key for <see cref="BlocksByStart"/>'s searches: only its address is compared.</summary>
    private static LiveBlock Probe(ulong address) => new(0, address, 0, 0, BlockKind.Pymalloc, BlockContent.Unknown);
}
