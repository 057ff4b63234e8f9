using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator.Radix;

/// <summary>
/// CPython 3.10+'s arena map (bpo-37448; the 64-bit layouts of 3.10 and 3.11+, <see cref="ArenaMapLayout"/>): root →
/// mid → bottom nodes keyed by the address bits above ARENA_BITS, leaves <see cref="ArenaCoverage"/> per ARENA_SIZE-aligned span. Marking an arena
/// writes one leaf (aligned base) or two (unaligned: the top of its span, the bottom of the next). Nodes are
/// created on demand and never freed, so a lock-free reader can never follow a dangling link; every node is
/// fully built before the release store that links it. Writers are serialized by the heap's lock.
/// </summary>
public sealed class ArenaMap
{
    // Entries: the root's are mid nodes, a mid node's are bottom nodes, a bottom node's are leaves.
    private readonly ChunkedNode<ChunkedNode<ArenaCoverage>>[]?[] _root; // the root's chunk table; the root always exists
    private readonly ChunkShape _interior;
    private readonly ChunkShape _bottom;
    private readonly int _topShift;
    private readonly int _midShift;
    private readonly int _bottomShift;
    private readonly ulong _interiorIndexMask;
    private readonly ulong _bottomIndexMask;
    private readonly ulong _arenaMask;
    private readonly int _leafChunkShift; // the address bits above it pick one leaf chunk (the hint's key)
    private readonly ulong _leafOffsetMask; // (address >> _bottomShift) & this: the leaf's index in its chunk
    private int _midNodes;

    /// <summary>
    /// Every leaf chunk, in the order created (only <see cref="LeafChunkForWrite"/> creates them, under the writers'
    /// lock), so the leaf rules are checked without walking the mostly empty chunk tables above them: on Tiny a walk
    /// of the tree visited 512 entries per node level, and the audit after every mutation cost more than the run.
    /// </summary>
    private readonly List<ArenaCoverage[]> _leafChunks = [];
    private int _bottomNodes;

    /// <summary>
    /// The base of the last marked arena while it stays marked, else 0 (no arena starts at 0). Set only by writers:
    /// after the arena's leaves are written, and back to 0 before they are cleared, so the range it names is always
    /// one the leaves own. pymalloc's blocks mostly come from few arenas, and a query in this one is answered by one
    /// subtraction. A plain word, not an object, so marking an arena allocates nothing.
    /// </summary>
    private ulong _lastArena;

    /// <summary>
    /// The leaf chunk of the last marked arena's span (512 spans: 512 MiB of address space with 1 MiB arenas), and
    /// its key (the address bits above the chunk). Set only by writers, after the chunk is linked; chunks are never
    /// freed or moved, so for its key the hint is exactly the chunk the walk finds. It lets a query of pymalloc's
    /// usual, narrow address range skip the five upper loads.
    /// </summary>
    private LeafHint _hint = LeafHint.None;

    /// <param name="arenaBits">ARENA_BITS.</param>
    /// <param name="addressBits">ADDRESS_BITS: 64 (3.11+) or 48 (3.10, whose walk ignores the top 16 bits; the hints key
    /// on the whole address, so an alias they miss is found by the walk).</param>
    public ArenaMap(int arenaBits, int addressBits = ArenaMapLayout.FullAddressBits)
    {
        Layout = new ArenaMapLayout(arenaBits, addressBits);
        _interior = new ChunkShape(Layout.InteriorBits);
        _bottom = new ChunkShape(Layout.BottomBits);
        _topShift = Layout.TopShift;
        _midShift = Layout.MidShift;
        _bottomShift = Layout.BottomShift;
        _interiorIndexMask = (1UL << Layout.InteriorBits) - 1;
        _bottomIndexMask = (1UL << Layout.BottomBits) - 1;
        _arenaMask = Layout.ArenaMask;
        _leafChunkShift = _bottomShift + _bottom.ChunkShift;
        _leafOffsetMask = _bottomIndexMask & _bottom.OffsetMask;
        _root = ChunkedNode<ChunkedNode<ChunkedNode<ArenaCoverage>>>.NewChunkTable(_interior);
    }

    public ArenaMapLayout Layout { get; }

    /// <summary>arena_map_mid_count.</summary>
    public int MidNodeCount => Volatile.Read(ref _midNodes);

    /// <summary>arena_map_bot_count.</summary>
    public int BottomNodeCount => Volatile.Read(ref _bottomNodes);

    public ArenaMapStats GetStats() => new(Layout, MidNodeCount, BottomNodeCount);

    /// <summary>arena_map_mark_used(base, 1): the arena <c>[arenaBase, arenaBase + ARENA_SIZE)</c> becomes live.</summary>
    public void Mark<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks =>
        SetCoverage(arenaBase, used: true, ref hooks);

    /// <summary>arena_map_mark_used(base, 0): writes 0 where marking wrote; the nodes stay.</summary>
    public void Unmark<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks =>
        SetCoverage(arenaBase, used: false, ref hooks);

    /// <summary>
    /// arena_map_is_used: is <paramref name="address"/> inside a marked arena? Lock-free; reads the last marked
    /// arena's base and, unless the address is in that arena, the leaf-chunk hint, nodes on a miss, and one leaf;
    /// never pool memory. True on the whole <c>[base, base + ARENA_SIZE)</c> of a live arena.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsUsed<THooks>(ulong address, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        hooks.Interleave(SharedAccess.RadixNodeRead);
        ulong lastArena = Volatile.Read(ref _lastArena);
        // Unsigned: an address below the base wraps far above the mask. Then the hinted leaf chunk, inlined too (as a
        // call it cost a query elsewhere ~1 ns), and the walk, a call in return position (docs/performance.md).
        if (address - lastArena <= _arenaMask && lastArena != 0) return true;
        hooks.Interleave(SharedAccess.RadixNodeRead);
        LeafHint hint = Volatile.Read(ref _hint);
        return hint.Key == LeafChunkKey(address) ? LeafCovers(hint.Leaves, address, ref hooks) : IsUsedByWalk(address, ref hooks);
    }

    /// <summary><see cref="IsUsed"/> when the hint is for another leaf chunk: arena_map_get(p, 0), root to leaf.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private bool IsUsedByWalk<THooks>(ulong address, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ArenaCoverage[]? leaves = FindLeafChunk(address, ref hooks);
        return leaves is not null && LeafCovers(leaves, address, ref hooks);
    }

    /// <summary>The leaf test on <paramref name="address"/>'s leaf in its leaf chunk (two reads, as in C).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool LeafCovers<THooks>(ArenaCoverage[] leaves, ulong address, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ref ArenaCoverage leaf = ref ChunkedNode.Entry(leaves, LeafOffset(address));
        int hi = Volatile.Read(ref leaf.TailHi);
        hooks.Interleave(SharedAccess.RadixNodeRead);
        int lo = Volatile.Read(ref leaf.TailLo);
        int tail = (int)(address & _arenaMask);
        // C's tail < lo || (tail >= hi && hi != 0), as branches with constant results: the JIT merges constants
        // instead of computing the last test into a flag (setcc, movzx) on the owned path.
        if (tail < lo) return true;
        if (hi == 0 || tail < hi) return false;
        return true;
    }

    /// <summary>The leaf of the span holding <paramref name="address"/> (zero if none), for tests and invariants.</summary>
    public ArenaCoverage CoverageOf(ulong address)
    {
        NoHooks none = default;
        ArenaCoverage[]? leaves = FindLeafChunk(address, ref none); // the walk, never the hint: tests compare the two
        return leaves is null ? default : leaves[LeafOffset(address)];
    }

    /// <summary>
    /// The tree against the heap's arena table: the leaf rules (<see cref="CheckInvariants()"/>), then coverage. Every
    /// live arena is covered at its first and last byte, by the walk and by the hints alike (<c>radix-live-arena</c>);
    /// the byte just below and just above it is covered only if a neighbouring live arena holds it
    /// (<c>radix-stale-coverage</c>: an unmark that left a tail behind); and the last-arena hint names a live arena
    /// (<c>radix-hint</c>).
    /// </summary>
    public void CheckInvariants(ArenaObject[] arenas)
    {
        CheckInvariants();
        ulong arenaSize = 1UL << Layout.ArenaBits;
        bool IsLive(ulong p)
        {
            foreach (ArenaObject a in arenas)
                if (a.Address != 0 && p - a.Address < arenaSize) return true;
            return false;
        }
        NoHooks none = default;
        foreach (ArenaObject arena in arenas)
        {
            ulong b = arena.Address;
            if (b == 0) continue;
            foreach (ulong p in (ReadOnlySpan<ulong>)[b, b + (arenaSize - 1)])
                // Stryker disable once Logical : IsUsed answers from hints a writer sets only to what the walk finds: the two never disagree
                if (!CoveredByWalk(p) || !IsUsed(p, ref none))
                    throw new HeapInvariantException("radix-live-arena", $"live arena 0x{b:x}: byte 0x{p:x} is not marked used");
            foreach (ulong p in (ReadOnlySpan<ulong>)[b - 1, b + arenaSize])
                // Stryker disable once Logical : byte 0 lies in no arena and only a wrapping arena, which Mark refuses, could cover it: checking it finds nothing
                if (p != 0 && p + 1 != 0 && CoveredByWalk(p) != IsLive(p))
                    throw new HeapInvariantException("radix-stale-coverage",
                        $"byte 0x{p:x} beside live arena 0x{b:x} is marked used but lies in no live arena");
        }
        ulong last = Volatile.Read(ref _lastArena);
        if (last != 0 && !IsLive(last))
            throw new HeapInvariantException("radix-hint", $"the last-arena hint names 0x{last:x}, which is not a live arena");
    }

    private bool CoveredByWalk(ulong address) => CoverageOf(address).Covers((int)(address & _arenaMask));

    /// <summary>
    /// The leaf rules that hold whenever live arenas are disjoint: <c>tail_hi = −1 ⇒ tail_lo = 0</c>;
    /// both non-zero ⇒ <c>tail_lo ≤ tail_hi</c>; tails within <c>[0, ARENA_SIZE)</c>. Throws naming the first broken one.
    /// </summary>
    public void CheckInvariants()
    {
        long arenaSize = 1L << Layout.ArenaBits;
        foreach (ArenaCoverage[] leaves in _leafChunks)
        foreach (ArenaCoverage leaf in leaves)
        {
            if (leaf.TailHi < -1 || leaf.TailHi >= arenaSize || leaf.TailLo < 0 || leaf.TailLo >= arenaSize)
                throw new HeapInvariantException("radix-tail-range", $"leaf {leaf} has a tail outside [0, ARENA_SIZE)");
            if (leaf.TailHi == -1 && leaf.TailLo != 0)
                throw new HeapInvariantException("radix-aligned-span", $"leaf {leaf}: an arena-aligned arena shares its span with another");
            if (leaf.TailHi > 0 && leaf.TailLo > leaf.TailHi)
                throw new HeapInvariantException("radix-tail-order", $"leaf {leaf}: tail_lo > tail_hi, so two arenas overlap");
        }
    }

    private void SetCoverage<THooks>(ulong arenaBase, bool used, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ulong arenaSize = 1UL << Layout.ArenaBits;
        if (arenaBase == 0 || arenaBase > ulong.MaxValue - (arenaSize - 1))
            throw new ArgumentOutOfRangeException(nameof(arenaBase), $"0x{arenaBase:x}", "an arena must be non-null and must not wrap past 2^64");
        int tail = (int)(arenaBase & _arenaMask);
        ArenaCoverage[] hiLeaves = LeafChunkForWrite(BottomForWrite(arenaBase, ref hooks), arenaBase, ref hooks);
        ref ArenaCoverage hiLeaf = ref hiLeaves[LeafOffset(arenaBase)];
        if (used) PointHintAt(LeafChunkKey(arenaBase), hiLeaves, ref hooks);
        // Unmarking the last marked arena withdraws it before any leaf changes; marking one names it after all its
        // leaves are written. Either way a query answered by _lastArena agrees with the leaves it skips.
        if (!used && _lastArena == arenaBase) SetLastArena(0, ref hooks);
        if (tail == 0)
        {
            // An "ideal" (arena-aligned) address: the whole span is this arena's.
            hooks.Interleave(SharedAccess.RadixNodeWrite);
            Volatile.Write(ref hiLeaf.TailHi, used ? -1 : 0);
        }
        else
        {
            hooks.Interleave(SharedAccess.RadixNodeWrite);
            Volatile.Write(ref hiLeaf.TailHi, used ? tail : 0);
            // Not aligned: the arena also covers the bottom of the next span, which may sit under other nodes.
            ulong next = arenaBase + arenaSize;
            ref ArenaCoverage loLeaf = ref LeafChunkForWrite(BottomForWrite(next, ref hooks), next, ref hooks)[LeafOffset(next)];
            hooks.Interleave(SharedAccess.RadixNodeWrite);
            Volatile.Write(ref loLeaf.TailLo, used ? tail : 0);
        }
        if (used) SetLastArena(arenaBase, ref hooks);
    }

    private void SetLastArena<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        hooks.Interleave(SharedAccess.RadixNodeWrite);
        Volatile.Write(ref _lastArena, arenaBase);
    }

    /// <summary>Points the hint at a linked (and never freed) leaf chunk, <paramref name="leaves"/>, whose key is <paramref name="key"/>.</summary>
    private void PointHintAt<THooks>(ulong key, ArenaCoverage[] leaves, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        if (_hint.Key == key) return;
        var hint = new LeafHint(key, leaves);
        hooks.Interleave(SharedAccess.RadixNodeWrite);
        Volatile.Write(ref _hint, hint);
    }

    /// <summary>arena_map_get(p, 1): the bottom node's chunk table for p, creating missing nodes and chunks, each fully
    /// built before the store that links it.</summary>
    private ArenaCoverage[]?[] BottomForWrite<THooks>(ulong address, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ulong i1 = TopIndex(address);
        ChunkedNode<ChunkedNode<ArenaCoverage>>[] rootChunk =
            ChunkedNode<ChunkedNode<ChunkedNode<ArenaCoverage>>>.Chunk(_root, i1, _interior, ref hooks);
        ref ChunkedNode<ChunkedNode<ArenaCoverage>> mid = ref rootChunk[i1 & _interior.OffsetMask];
        if (mid.Chunks is null) // only writers store here, and writers are serialized
        {
            ChunkedNode<ArenaCoverage>[]?[] table = ChunkedNode<ChunkedNode<ArenaCoverage>>.NewChunkTable(_interior);
            hooks.Interleave(SharedAccess.RadixNodeWrite);
            Volatile.Write(ref mid.Chunks, table);
            Interlocked.Increment(ref _midNodes);
        }

        ulong i2 = MidIndex(address);
        ChunkedNode<ArenaCoverage>[] midChunk = ChunkedNode<ChunkedNode<ArenaCoverage>>.Chunk(mid.Chunks, i2, _interior, ref hooks);
        ref ChunkedNode<ArenaCoverage> bottom = ref midChunk[i2 & _interior.OffsetMask];
        if (bottom.Chunks is null)
        {
            ArenaCoverage[]?[] table = ChunkedNode<ArenaCoverage>.NewChunkTable(_bottom);
            hooks.Interleave(SharedAccess.RadixNodeWrite);
            Volatile.Write(ref bottom.Chunks, table);
            Interlocked.Increment(ref _bottomNodes);
        }
        return bottom.Chunks;
    }

    /// <summary>The leaf chunk holding <paramref name="address"/>'s span in its bottom node, created if absent.</summary>
    private ArenaCoverage[] LeafChunkForWrite<THooks>(ArenaCoverage[]?[] bottom, ulong address, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ulong index = BottomIndex(address);
        if (ChunkedNode<ArenaCoverage>.ChunkOrNull(bottom, index, _bottom) is { } existing) return existing;
        ArenaCoverage[] created = ChunkedNode<ArenaCoverage>.Chunk(bottom, index, _bottom, ref hooks);
        _leafChunks.Add(created);
        return created;
    }

    /// <summary>The walk down to the leaf chunk holding p's span, or null where a node or the chunk is absent.</summary>
    private ArenaCoverage[]? FindLeafChunk<THooks>(ulong address, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ArenaCoverage[]?[]? bottom = FindBottom(address, ref hooks);
        if (bottom is null) return null;
        hooks.Interleave(SharedAccess.RadixNodeRead);
        return ChunkedNode<ArenaCoverage>.ChunkOrNull(bottom, BottomIndex(address), _bottom);
    }

    /// <summary>arena_map_get(p, 0): the bottom node's chunk table for p, or null. Every link read is a scheduling point.</summary>
    private ArenaCoverage[]?[]? FindBottom<THooks>(ulong address, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ulong i1 = TopIndex(address);
        hooks.Interleave(SharedAccess.RadixNodeRead);
        ChunkedNode<ChunkedNode<ArenaCoverage>>[]? rootChunk =
            ChunkedNode<ChunkedNode<ChunkedNode<ArenaCoverage>>>.ChunkOrNull(_root, i1, _interior);
        if (rootChunk is null) return null;
        ChunkedNode<ArenaCoverage>[]?[]? mid = Volatile.Read(ref ChunkedNode.Entry(rootChunk, i1 & _interior.OffsetMask).Chunks);
        if (mid is null) return null;

        ulong i2 = MidIndex(address);
        hooks.Interleave(SharedAccess.RadixNodeRead);
        ChunkedNode<ArenaCoverage>[]? midChunk = ChunkedNode<ChunkedNode<ArenaCoverage>>.ChunkOrNull(mid, i2, _interior);
        if (midChunk is null) return null;
        return Volatile.Read(ref ChunkedNode.Entry(midChunk, i2 & _interior.OffsetMask).Chunks);
    }

    // The root, mid and bottom indices of an address (arena_map's i1, i2, i3).
    // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private ulong TopIndex(ulong address) => (address >> _topShift) & _interiorIndexMask;

    // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private ulong MidIndex(ulong address) => (address >> _midShift) & _interiorIndexMask;

    // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private ulong BottomIndex(ulong address) => (address >> _bottomShift) & _bottomIndexMask;

    /// <summary>The index of the address's leaf in its leaf chunk.</summary>
    // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private ulong LeafOffset(ulong address) => (address >> _bottomShift) & _leafOffsetMask;

    /// <summary>Which leaf chunk holds the address's span: all its bits above that chunk (the hint's key).</summary>
    // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
    [MethodImpl(MethodImplOptions.AggressiveInlining)] private ulong LeafChunkKey(ulong address) => address >> _leafChunkShift;

    /// <summary>An immutable (key, leaf chunk) pair, published whole by one reference store.</summary>
    private sealed class LeafHint(ulong key, ArenaCoverage[] leaves)
    {
        /// <summary>Matches no address: a <see cref="LeafChunkKey"/> is below 2^63.</summary>
        public static readonly LeafHint None = new(ulong.MaxValue, []);

        public readonly ulong Key = key;
        public readonly ArenaCoverage[] Leaves = leaves;
    }
}
