using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator.Radix;

/// <summary>
/// CPython 3.10+'s arena map (bpo-37448; 64-bit layout of 3.11+): root → mid → bottom nodes keyed by the address
/// bits above ARENA_BITS, leaves <see cref="ArenaCoverage"/> per ARENA_SIZE-aligned span. Marking an arena
/// writes one leaf (aligned base) or two (unaligned: the top of its span, the bottom of the next). Nodes are
/// created on demand and never freed, so a lock-free reader can never follow a dangling link; every node is
/// fully built before the release store that links it. Writers are serialized by the heap's lock.
/// </summary>
public sealed class ArenaMap
{
    private sealed class MidNode(ArenaMapLayout layout)
    {
        public readonly LazyChunks<BottomNode?> Children = new(layout.MidBits);
    }

    private sealed class BottomNode(ArenaMapLayout layout)
    {
        public readonly LazyChunks<ArenaCoverage> Leaves = new(layout.BottomBits);
    }

    private readonly LazyChunks<MidNode?> _root;
    private int _midNodes;
    private int _bottomNodes;

    public ArenaMap(int arenaBits)
    {
        Layout = new ArenaMapLayout(arenaBits);
        _root = new LazyChunks<MidNode?>(Layout.TopBits);
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
    /// arena_map_is_used: is <paramref name="address"/> inside a marked arena? Lock-free; reads nodes and one leaf,
    /// never pool memory. True on the whole <c>[base, base + ARENA_SIZE)</c> of a live arena.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsUsed<THooks>(ulong address, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        BottomNode? bottom = Find(address, ref hooks);
        if (bottom is null) return false;
        ulong i3 = Layout.BottomIndex(address);
        hooks.Interleave(SharedAccess.RadixNodeRead);
        ArenaCoverage[]? chunk = bottom.Leaves.ChunkOrNull(i3);
        if (chunk is null) return false;
        ref ArenaCoverage leaf = ref chunk[bottom.Leaves.Offset(i3)];
        int hi = Volatile.Read(ref leaf.TailHi);
        hooks.Interleave(SharedAccess.RadixNodeRead);
        int lo = Volatile.Read(ref leaf.TailLo);
        int tail = (int)(address & Layout.ArenaMask);
        return tail < lo || (tail >= hi && hi != 0);
    }

    /// <summary>The leaf of the span holding <paramref name="address"/> (zero if none), for tests and invariants.</summary>
    public ArenaCoverage CoverageOf(ulong address)
    {
        NoHooks none = default;
        BottomNode? bottom = Find(address, ref none);
        if (bottom is null) return default;
        ulong i3 = Layout.BottomIndex(address);
        ArenaCoverage[]? chunk = bottom.Leaves.ChunkOrNull(i3);
        return chunk is null ? default : chunk[bottom.Leaves.Offset(i3)];
    }

    /// <summary>
    /// The leaf rules that hold whenever live arenas are disjoint (REFERENCE §8 (5)): <c>tail_hi = −1 ⇒ tail_lo = 0</c>;
    /// both non-zero ⇒ <c>tail_lo ≤ tail_hi</c>; tails within <c>[0, ARENA_SIZE)</c>. Throws naming the first broken one.
    /// </summary>
    public void CheckInvariants()
    {
        long arenaSize = 1L << Layout.ArenaBits;
        foreach (MidNode? mid in _root.Chunks().SelectMany(c => c))
        {
            if (mid is null) continue;
            foreach (BottomNode? bottom in mid.Children.Chunks().SelectMany(c => c))
            {
                if (bottom is null) continue;
                foreach (ArenaCoverage[] leaves in bottom.Leaves.Chunks())
                {
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
            }
        }
    }

    private void SetCoverage<THooks>(ulong arenaBase, bool used, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ulong arenaSize = 1UL << Layout.ArenaBits;
        if (arenaBase == 0 || arenaBase + (arenaSize - 1) < arenaBase)
            throw new ArgumentOutOfRangeException(nameof(arenaBase), $"0x{arenaBase:x}", "an arena must be non-null and must not wrap past 2^64");
        int tail = (int)(arenaBase & Layout.ArenaMask);
        BottomNode hiNode = FindOrCreate(arenaBase, ref hooks);
        ref ArenaCoverage hiLeaf = ref LeafForWrite(hiNode, arenaBase, ref hooks);
        if (tail == 0)
        {
            // An "ideal" (arena-aligned) address: the whole span is this arena's.
            hooks.Interleave(SharedAccess.RadixNodeWrite);
            Volatile.Write(ref hiLeaf.TailHi, used ? -1 : 0);
            return;
        }
        hooks.Interleave(SharedAccess.RadixNodeWrite);
        Volatile.Write(ref hiLeaf.TailHi, used ? tail : 0);
        // Not aligned: the arena also covers the bottom of the next span, which may sit under other nodes.
        ulong next = arenaBase + arenaSize;
        BottomNode loNode = FindOrCreate(next, ref hooks);
        ref ArenaCoverage loLeaf = ref LeafForWrite(loNode, next, ref hooks);
        hooks.Interleave(SharedAccess.RadixNodeWrite);
        Volatile.Write(ref loLeaf.TailLo, used ? tail : 0);
    }

    private ref ArenaCoverage LeafForWrite<THooks>(BottomNode node, ulong address, ref THooks hooks)
        where THooks : struct, IHeapHooks
    {
        ulong i3 = Layout.BottomIndex(address);
        return ref node.Leaves.Chunk(i3, ref hooks)[node.Leaves.Offset(i3)];
    }

    /// <summary>arena_map_get(p, 0): the bottom node for p, or null. Every link read is a scheduling point.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private BottomNode? Find<THooks>(ulong address, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ulong i1 = Layout.TopIndex(address);
        hooks.Interleave(SharedAccess.RadixNodeRead);
        MidNode?[]? top = _root.ChunkOrNull(i1);
        if (top is null) return null;
        MidNode? mid = Volatile.Read(ref top[_root.Offset(i1)]);
        if (mid is null) return null;
        ulong i2 = Layout.MidIndex(address);
        hooks.Interleave(SharedAccess.RadixNodeRead);
        BottomNode?[]? middle = mid.Children.ChunkOrNull(i2);
        if (middle is null) return null;
        return Volatile.Read(ref middle[mid.Children.Offset(i2)]);
    }

    /// <summary>arena_map_get(p, 1): creates missing nodes, each fully built before the store that links it.</summary>
    private BottomNode FindOrCreate<THooks>(ulong address, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ulong i1 = Layout.TopIndex(address);
        ref MidNode? midSlot = ref _root.Chunk(i1, ref hooks)[_root.Offset(i1)];
        MidNode? mid = midSlot; // only writers store here, and writers are serialized
        if (mid is null)
        {
            mid = new MidNode(Layout);
            hooks.Interleave(SharedAccess.RadixNodeWrite);
            Volatile.Write(ref midSlot, mid);
            Interlocked.Increment(ref _midNodes);
        }
        ulong i2 = Layout.MidIndex(address);
        ref BottomNode? bottomSlot = ref mid.Children.Chunk(i2, ref hooks)[mid.Children.Offset(i2)];
        BottomNode? bottom = bottomSlot;
        if (bottom is null)
        {
            bottom = new BottomNode(Layout);
            hooks.Interleave(SharedAccess.RadixNodeWrite);
            Volatile.Write(ref bottomSlot, bottom);
            Interlocked.Increment(ref _bottomNodes);
        }
        return bottom;
    }
}
