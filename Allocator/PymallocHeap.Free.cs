using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator;

// Freeing: pymalloc_free, insert_to_usedpool and insert_to_freepool (CPython 3.9+).
public sealed partial class PymallocHeap<TMemory, TOracle, THooks>
{
    /// <summary>Returns false when the oracle says the block is not pymalloc's (the caller frees it to the system).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private bool SmallFree(ulong block)
    {
        if (!IsOwned(block)) return false;
        ulong pool = block & _poolMask;
        if (_checkPointers) ValidateLiveBlock(block, pool, nameof(Free));

        ulong lastFree = PoolHeader.GetLink(ref _memory, pool, PoolHeader.FreeBlock);
        _memory.WriteUInt64(block, lastFree);
        PoolHeader.SetLink(ref _memory, pool, PoolHeader.FreeBlock, block);
        uint count = PoolHeader.Get(ref _memory, pool, PoolHeader.Count) - 1;
        PoolHeader.Set(ref _memory, pool, PoolHeader.Count, count);

        if (lastFree == 0)
        {
            // The pool was full, so it is in no list: front-link it so the next malloc reuses this block.
            LinkUsedPoolFirst(pool, ref _usedPools[PoolHeader.Get(ref _memory, pool, PoolHeader.SizeClass)]);
            return true;
        }
        if (count != 0) return true;
        MoveToFreePools(pool);
        return true;
    }

    // Inlined into SmallFree on purpose: behind the radix oracle's inlined query the JIT stopped inlining this by
    // itself, and the call cost the modern port 1.5–2 ns per free-at-once pair (docs/performance.md, "Heap changes").
    // Only the common case is inlined: the rarer arena-list cases (1, 2 and 4) are NoInlining helpers.
    /// <summary>
    /// insert_to_freepool: an emptied pool goes on its arena's free list; the arena is then released (case 1),
    /// put at the head of usable_arenas (case 2), or moved right to keep usable_arenas sorted (cases 3–4).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void MoveToFreePools(ulong pool)
    {
        int index = (int)PoolHeader.Get(ref _memory, pool, PoolHeader.ArenaIndex);
        ref ArenaObject arena = ref _arenas[index];
        uint oldFree = arena.NFreePools;
        // A pool in use means the arena has a pool that is not free. Here it has none only if a pool header's count
        // was overwritten (a write outside a block, or a double or wild free in unchecked mode) and a pool emptied
        // twice. Stop before the count goes past NTotalPools: nfp2lasta is indexed by it without a bounds check.
        if (oldFree >= arena.NTotalPools) ThrowPoolEmptiedTwice(pool, index);
        UnlinkUsedPool(pool, ref _usedPools[PoolHeader.Get(ref _memory, pool, PoolHeader.SizeClass)]);
        PoolHeader.SetLink(ref _memory, pool, PoolHeader.NextPool, arena.FreePools);
        arena.FreePools = pool;

        ref int lastWithOldCount = ref LastArenaWith(oldFree);
        int lastWithOld = lastWithOldCount;
        if (lastWithOld == index)
        {
            int prev = arena.PrevArena;
            lastWithOldCount = prev != None && LiveArena(prev).NFreePools == oldFree ? prev : None;
        }
        uint free = arena.NFreePools = oldFree + 1;

        // Case 1 (3.9+, bpo-37257): wholly free and not the last usable arena -> back to the system. The last one
        // is kept so that alloc/free cycles at an arena boundary do not thrash. An arena that was full is in no
        // list and its links are stale (CPython reads them anyway; it cannot matter there, since only a one-pool
        // arena goes from full to wholly free): it would join at the head, so it is "not last" iff the list is non-empty.
        // 3.8 returns every wholly free arena.
        if (free == arena.NTotalPools
            && (_releaseEveryFreeArena || (oldFree == 0 ? _usableArenas != None : arena.NextArena != None)))
        {
            ReleaseWhollyFreeArena(index, wasFull: oldFree == 0);
            return;
        }

        // Case 2: it was full, so it was in no list; it now has the fewest free pools.
        if (free == 1)
        {
            LinkFormerlyFullArena(index);
            return;
        }

        // Case 3: if it was the rightmost with the old count it is still in order.
        ref int lastWithNewCount = ref Unsafe.Add(ref lastWithOldCount, 1); // nfp2lasta[free]; free <= NTotalPools by the guard
        if (lastWithNewCount == None) lastWithNewCount = index;
        if (lastWithOld == index) return;

        MoveArenaRightOf(index, lastWithOld);
    }

    // Not NoInlining: the JIT sees that a method that only throws does not return, so MoveToFreePools' locals are
    // no longer kept alive across the call; with the attribute they were spilled to the stack and reloaded on every
    // emptied pool (0.1–0.6 ns of a free-at-once pair, docs/performance.md, "Heap changes").
    [DoesNotReturn]
    private void ThrowPoolEmptiedTwice(ulong pool, int index) =>
        throw new HeapInvariantException("arena-nfreepools",
            $"pool 0x{pool:x} emptied, but arena {index} already has all {_arenas[index].NTotalPools} pools free: pool memory was overwritten");

    /// <summary>Case 1: unlink a wholly free arena from usable_arenas (unless it was full, hence in no list) and release it.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // cold: keeps the inlined MoveToFreePools small
    private void ReleaseWhollyFreeArena(int index, bool wasFull)
    {
        if (!wasFull) UnlinkUsableArena(ref _arenas[index]);
        ReleaseArena(index);
    }

    /// <summary>Case 2: an arena that was full joins usable_arenas at the head, where the fewest free pools go.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void LinkFormerlyFullArena(int index)
    {
        ref ArenaObject arena = ref _arenas[index];
        // Stryker disable once all : unreachable through the API: the only caller runs when the count has just become 1
        if (_checkPointers && arena.NFreePools != 1) Broken("arena-nfreepools", $"arena {index} re-joins usable_arenas with {arena.NFreePools} free pools, not 1");
        arena.NextArena = _usableArenas;
        arena.PrevArena = None;
        if (_usableArenas != None) _arenas[_usableArenas].PrevArena = index;
        _usableArenas = index;
        if (_nfp2lasta[1] == None) _nfp2lasta[1] = index;
    }

    /// <summary>Case 4: keep usable_arenas sorted by moving the arena right after the rightmost one with its old count.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void MoveArenaRightOf(int index, int lastWithOld)
    {
        ref ArenaObject arena = ref _arenas[index];
        UnlinkUsableArena(ref arena);
        arena.PrevArena = lastWithOld;
        arena.NextArena = _arenas[lastWithOld].NextArena;
        if (arena.NextArena != None) _arenas[arena.NextArena].PrevArena = index;
        _arenas[lastWithOld].NextArena = index;
    }

    /// <summary>Takes an arena out of usable_arenas (with 3.8's policy case 1 may take the last one). Its own links are
    /// left for the caller.</summary>
    private void UnlinkUsableArena(ref ArenaObject arena)
    {
        if (_checkPointers && !_releaseEveryFreeArena && arena.NextArena == None) Broken("usable-arenas", $"arena 0x{arena.Address:x} is unlinked as if it were not last, but it is");
        if (arena.PrevArena == None) _usableArenas = arena.NextArena;
        else _arenas[arena.PrevArena].NextArena = arena.NextArena;
        if (arena.NextArena != None) _arenas[arena.NextArena].PrevArena = arena.PrevArena;
    }

    /// <summary>Checked mode: the pointer must be the start of a block handed out and not yet freed.</summary>
    private void ValidateLiveBlock(ulong block, ulong pool, string operation)
    {
        uint sizeClass = PoolHeader.Get(ref _memory, pool, PoolHeader.SizeClass);
        uint count = PoolHeader.Get(ref _memory, pool, PoolHeader.Count);
        if (count == 0 || sizeClass >= (uint)_usedPools.Length)
            throw new HeapMisuseException(operation, block, "the pointer lies in a pool that holds no live block");
        ulong offset = block - pool;
        ulong blockSize = BlockSizeOf(sizeClass);
        uint nextOffset = PoolHeader.Get(ref _memory, pool, PoolHeader.NextOffset);
        if (offset < _poolOverhead || (offset - _poolOverhead) % blockSize != 0 || offset >= nextOffset)
            throw new HeapMisuseException(operation, block,
                $"the pointer is not the start of a block handed out by its pool (block size {blockSize}, offset {offset})");
        uint limit = BlocksPerPool(sizeClass);
        ulong free = PoolHeader.GetLink(ref _memory, pool, PoolHeader.FreeBlock);
        // Stryker disable once Equality : a pool of `limit` blocks with a live one holds at most limit - 1 free blocks: the walk meets them all before step limit - 1
        for (uint steps = 0; free != 0 && steps <= limit; steps++, free = _memory.ReadUInt64(free))
            if (free == block)
                throw new HeapMisuseException(operation, block, "double free: the block is on its pool's free list");
    }
}
