using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Model;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Exhaustive;

/// <summary>
/// A 64-bit hash of a state that does not depend on absolute addresses: every address is rewritten relative to the
/// object holding it (live arena by rank + offset, live system block by handle, foreign block by handle). It covers the
/// model (blocks with kind, size, capacity and content; foreign blocks; whether a freed arena exists, and where the live
/// arenas overlap the most recently freed one, which a check aims into), the heap's
/// observable structure (the arena table, the list heads, every carved pool's header and free list, read without
/// reporting) and where each arena and system block sits relative to the others (alignment, touching, low, near 2^64,
/// inside which released arena and where).
/// Two sequences reaching the same hash are explored once. (The placement generator's position is not part of it:
/// states equal up to it are merged — the bound is on canonical states.)
///
/// Handle symmetry (<see cref="ExplorationReductions.HandleSymmetry"/>): the blocks enter the hash as a sorted multiset
/// of per-block keys, not in handle order, so two states that differ only in which handle names which block hash
/// alike. Why they are interchangeable:
///   * the allocator never sees a handle — its memory (hashed as it is) is the same in both;
///   * the model keeps blocks in a list and looks them up by address for every check (ownership, overlap, content),
///     so its verdicts depend on the set of blocks, and a handle only picks an element: FreeOp(h)/ReallocOp(h) in one
///     state is FreeOp(π(h))/ReallocOp(π(h)) in the other and reaches the same memory and a renamed model;
///   * the explorer's alphabet offers every handle (<see cref="ExplorationAlphabet.Mutations"/>), its check queries
///     cover every handle (<see cref="ExplorationAlphabet.ChecksFor"/>), and the teardown frees in key order
///     (<see cref="NextTeardownStep"/>), so both states get the same checks and the same teardown.
/// Hence every failing program from one state has a renamed twin, of the same length, from the other: merging them
/// loses no failure, and BFS keeps the shallower representative, so the shortest counterexample keeps its length.
/// A system block's own address is keyed by where it sits (its relation to the arenas), never by its handle; a heap
/// pointer into a block (never a valid one) still uses the handle, which only splits states, never merges them.
/// </summary>
public sealed class CanonicalState
{
    private readonly ulong _poolSize;
    private readonly ulong _arenaSize;
    private ulong _hash;

    private CanonicalState(Geometry geometry)
    {
        _poolSize = (ulong)geometry.PoolSize;
        _arenaSize = (ulong)geometry.ArenaSize;
    }

    /// <summary>The state's hash with the blocks and foreign blocks as multisets (handle symmetry) and in handle order.
    /// The heap's part is the same in both, so it is hashed once and each form of the model goes on from it.</summary>
    public static (ulong Symmetric, ulong Ordered) Hashes(int layout, ModelState state, IHeapDriver heap, SimulatedAddressSpace space,
        Geometry geometry)
    {
        var h = new CanonicalState(geometry) { _hash = 0x9E3779B97F4A7C15UL };
        h.Add((ulong)layout);
        h.AddHeap(state, heap, space);
        var symmetric = new CanonicalState(geometry) { _hash = h._hash };
        symmetric.AddModelSymmetric(state);
        var ordered = new CanonicalState(geometry) { _hash = h._hash };
        ordered.AddModel(state);
        return (symmetric._hash, ordered._hash);
    }

    /// <summary>
    /// The teardown's next free, chosen without looking at handles: the live block with the smallest key, then the
    /// foreign block with the smallest key (equal keys: the lower handle — such blocks differ in nothing the hash sees).
    /// </summary>
    public static Operation NextTeardownStep(ModelState state, Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(state);
        var c = new CanonicalState(geometry);
        if (!state.Blocks.IsEmpty)
        {
            int best = 0;
            ulong bestKey = c.BlockKey(state, state.Blocks[0]);
            for (int h = 1; h < state.Blocks.Count; h++)
                if (c.BlockKey(state, state.Blocks[h]) is var key && key < bestKey) (best, bestKey) = (h, key);
            return new FreeOp(best);
        }
        int bestForeign = 0;
        ulong bestForeignKey = c.ForeignKey(state, state.Foreign[0]);
        for (int h = 1; h < state.Foreign.Count; h++)
            if (c.ForeignKey(state, state.Foreign[h]) is var key && key < bestForeignKey) (bestForeign, bestForeignKey) = (h, key);
        return new ForeignFreeOp(bestForeign);
    }

    private static ulong Mix(ulong hash, ulong word)
    {
        // splitmix64 finaliser over the running hash: order-sensitive, well mixed
        ulong z = hash ^ (word + 0x9E3779B97F4A7C15UL + (hash << 6) + (hash >> 2));
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>A live block's key: everything the hash sees of it, with its own address as arena rank + offset (a
    /// pymalloc block) or as its place relative to the arenas (a system block) — never its handle.</summary>
    private ulong BlockKey(ModelState s, LiveBlock b)
    {
        ulong k = Mix(0x2545F4914F6CDD1DUL, (ulong)b.Kind);
        k = Mix(k, InArena(s, b.Address));
        k = Mix(k, b.Size);
        k = Mix(k, b.Capacity);
        k = Mix(k, (ulong)b.Content.Kind);
        k = Mix(k, b.Content.ValidLength);
        return b.Kind == BlockKind.System ? Mix(k, Relation(s, b.Address, b.Capacity)) : k;
    }

    private ulong ForeignKey(ModelState s, ForeignBlock f) => Mix(Mix(0x3C6EF372FE94F82BUL, f.Size), Relation(s, f.Address, f.Size));

    /// <summary>Like <see cref="AddModel"/>, with the blocks and the foreign blocks as sorted multisets of keys.</summary>
    private void AddModelSymmetric(ModelState s)
    {
        Span<ulong> keys = s.Blocks.Count <= 64 ? stackalloc ulong[s.Blocks.Count] : new ulong[s.Blocks.Count];
        for (int h = 0; h < keys.Length; h++) keys[h] = BlockKey(s, s.Blocks[h]);
        keys.Sort();
        Add((ulong)keys.Length);
        foreach (ulong k in keys) Add(k);
        Span<ulong> foreign = s.Foreign.Count <= 64 ? stackalloc ulong[s.Foreign.Count] : new ulong[s.Foreign.Count];
        for (int h = 0; h < foreign.Length; h++) foreign[h] = ForeignKey(s, s.Foreign[h]);
        foreign.Sort();
        Add((ulong)foreign.Length);
        foreach (ulong k in foreign) Add(k);
        AddArenas(s);
    }

    /// <summary>An address inside a live arena as (rank, offset); anything else as one value.</summary>
    private static ulong InArena(ModelState s, ulong address)
    {
        for (int r = 0; r < s.Arenas.Count; r++)
            if (s.Arenas[r].Contains(address)) return 1UL << 60 | (ulong)r << 40 | (address - s.Arenas[r].Base);
        return 2UL << 60;
    }

    private void Add(ulong word) => _hash = Mix(_hash, word);

    private void AddModel(ModelState s)
    {
        Add((ulong)s.Blocks.Count);
        foreach (LiveBlock b in s.Blocks)
        {
            Add((ulong)b.Kind);
            Add(Canon(s, b.Address));
            Add(b.Size);
            Add(b.Capacity);
            Add((ulong)b.Content.Kind);
            Add(b.Content.ValidLength);
            if (b.Kind == BlockKind.System) Add(Relation(s, b.Address, b.Capacity));
        }
        Add((ulong)s.Foreign.Count);
        foreach (ForeignBlock f in s.Foreign)
        {
            Add(f.Size);
            Add(Relation(s, f.Address, f.Size));
        }
        AddArenas(s);
    }

    private void AddArenas(ModelState s)
    {
        Add((ulong)Math.Min(s.ReleasedArenas.Count, 2));
        Add((ulong)s.Arenas.Count);
        foreach (LiveArena a in s.Arenas) Add(Relation(s, a.Base, a.Size) << 16 | (a.Base & (_poolSize - 1)));
        // The freed-arena check aims into the most recently released arena, so where a live arena overlaps that one
        // decides what the check expects and what the heap answers: two states that differ there are not one.
        if (s.ResolveReleasedArena(0) is { } last)
            for (int r = 0; r < s.Arenas.Count; r++)
                if (s.Arenas[r] is var a && (a.Base - last.Base < last.Size || last.Base - a.Base < a.Size))
                    Add(5UL << 60 | (ulong)r << 40 | ((last.Base - a.Base) & 0xFF_FFFF_FFFF));
    }

    private void AddHeap(ModelState s, IHeapDriver heap, SimulatedAddressSpace space)
    {
        ArenaObject[] table = heap.ArenaTable;
        Add((ulong)table.Length);
        foreach (ArenaObject slot in table)
        {
            Add(Canon(s, slot.Address));
            Add((ulong)(uint)slot.NextArena);
            if (slot.Address == 0) continue;
            Add(Canon(s, slot.PoolAddress));
            Add(slot.NFreePools);
            Add(slot.NTotalPools);
            Add(Canon(s, slot.FreePools));
            Add((ulong)(uint)slot.PrevArena);
        }
        HeapListHeads heads = heap.ListHeads;
        foreach (ulong head in heads.UsedPools) Add(Canon(s, head));
        Add((ulong)(uint)heads.UsableArenas);
        Add((ulong)(uint)heads.UnusedArenaObjects);
        foreach (ArenaObject slot in table)
        {
            if (slot.Address == 0) continue;
            for (ulong pool = (slot.Address + _poolSize - 1) & ~(_poolSize - 1); pool < slot.PoolAddress; pool += _poolSize)
            {
                Add(space.PeekUInt32(pool + PoolHeader.Count));
                Add(Canon(s, space.PeekUInt64(pool + PoolHeader.FreeBlock)));
                Add(Canon(s, space.PeekUInt64(pool + PoolHeader.NextPool)));
                Add(Canon(s, space.PeekUInt64(pool + PoolHeader.PrevPool)));
                Add(space.PeekUInt64(pool + PoolHeader.ArenaIndex)); // index and size class
                Add(space.PeekUInt64(pool + PoolHeader.NextOffset)); // next and max offsets
                ulong block = space.PeekUInt64(pool + PoolHeader.FreeBlock);
                for (int i = 0; i < 64 && block != 0; i++, block = space.PeekUInt64(block)) Add(Canon(s, block));
            }
        }
    }

    /// <summary>An address as (kind, rank, offset): inside a live arena, a live block or a foreign block; else its low bits.</summary>
    private ulong Canon(ModelState s, ulong address)
    {
        if (address == 0) return 0;
        for (int r = 0; r < s.Arenas.Count; r++)
            if (s.Arenas[r].Contains(address)) return 1UL << 60 | (ulong)r << 40 | (address - s.Arenas[r].Base);
        for (int h = 0; h < s.Blocks.Count; h++)
            if (address - s.Blocks[h].Address < Math.Max(s.Blocks[h].Capacity, 1)) return 2UL << 60 | (ulong)h << 40 | (address - s.Blocks[h].Address);
        for (int h = 0; h < s.Foreign.Count; h++)
            if (address - s.Foreign[h].Address < s.Foreign[h].Size) return 3UL << 60 | (ulong)h << 40 | (address - s.Foreign[h].Address);
        return 4UL << 60 | (address & 0xFFFF);
    }

    /// <summary>Where an object sits relative to the live arenas and the edges of the address space.</summary>
    private ulong Relation(ModelState s, ulong address, ulong size)
    {
        ulong rounded = (size + 15) & ~15UL;
        for (int r = 0; r < s.Arenas.Count; r++)
        {
            LiveArena a = s.Arenas[r];
            if (a.Base == address) continue;
            if (a.End == address) return 1 | (ulong)r << 4;
            if (address + rounded == a.Base) return 2 | (ulong)r << 4;
        }
        if (address < _arenaSize) return 3;
        if (address > ulong.MaxValue - _arenaSize) return 4;
        // Which released arena (counted back from the most recent, the one the freed-arena check aims into) and where in
        // it: a block in the most recent one decides what that check's index read finds; one in an older one does not.
        for (int i = 0; i < s.ReleasedArenas.Count; i++)
            if (s.ResolveReleasedArena(i) is { } r && address - r.Base < r.Size)
                return 5 | (ulong)i << 4 | (address - r.Base) << 8;
        return 6;
    }
}
