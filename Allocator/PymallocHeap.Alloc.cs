using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator;

// Allocation: pymalloc_alloc, pymalloc_pool_extend and allocate_from_new_pool (CPython 3.9+ split, bpo-37543).
public sealed partial class PymallocHeap<TMemory, TOracle, THooks>
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong SmallAlloc(ulong size)
    {
        // Stryker disable once Bitwise : size is unsigned, so >>> shifts in zeros exactly as >> does
        uint sizeClass = (uint)((size - 1) >> _alignmentShift);
        ref ulong usedHead = ref UsedPoolHead(sizeClass);
        ulong pool = usedHead;
        if (pool == 0) return AllocateFromNewPool(sizeClass, ref usedHead);

        PoolHeader.Set(ref _memory, pool, PoolHeader.Count, PoolHeader.Get(ref _memory, pool, PoolHeader.Count) + 1);
        ulong block = PoolHeader.GetLink(ref _memory, pool, PoolHeader.FreeBlock);
        ulong next = _memory.ReadUInt64(block);
        PoolHeader.SetLink(ref _memory, pool, PoolHeader.FreeBlock, next);
        if (next == 0) ExtendPool(pool, sizeClass, ref usedHead);
        return block;
    }

    /// <summary>The free list ran dry: carve one more never-used block, or unlink the now full pool from <paramref name="usedHead"/>.</summary>
    private void ExtendPool(ulong pool, uint sizeClass, ref ulong usedHead)
    {
        uint nextOffset = PoolHeader.Get(ref _memory, pool, PoolHeader.NextOffset);
        if (nextOffset <= PoolHeader.Get(ref _memory, pool, PoolHeader.MaxNextOffset))
        {
            ulong virgin = pool + nextOffset;
            PoolHeader.SetLink(ref _memory, pool, PoolHeader.FreeBlock, virgin);
            PoolHeader.Set(ref _memory, pool, PoolHeader.NextOffset, nextOffset + (uint)BlockSizeOf(sizeClass));
            _memory.WriteUInt64(virgin, 0);
            return;
        }
        UnlinkUsedPool(pool, ref usedHead);
    }

    // Inlined into SmallAlloc: a pool taken from its arena and given back on every pair (free at once) makes this a
    // hot path; the call was ~0.5–1 ns of an 8–10 ns pair (docs/performance.md, "Heap changes"). Starting a new arena
    // and carving a never-used pool are calls in return position, made before anything changes, that come back
    // here: a call the path continued after would keep its locals alive across it, and the JIT spilled those to
    // the stack on every pair.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong AllocateFromNewPool(uint sizeClass, ref ulong usedHead)
    {
        int head = _usableArenas;
        if (head == None) return StartUsableArenasThenAllocate(sizeClass);
        ref ArenaObject arena = ref LiveArena(head);
        ulong pool = arena.FreePools;
        if (pool == 0) return CarvePoolThenAllocate(sizeClass);

        // The head (fewest free pools) is about to lose one: it stops being the rightmost arena with its count
        // and becomes the only one, hence the rightmost, with one pool fewer.
        uint freePools = arena.NFreePools;
        // Stryker disable once Statement,Equality : a Debug.Assert the heap keeps true itself (a usable arena has a free pool); it never fails
        Debug.Assert(freePools > 0); // a usable arena has a free pool, and this one has one on its list
        ref int lastWithCount = ref LastArenaWith(freePools);
        if (lastWithCount == head) lastWithCount = None;
        if (freePools > 1) Unsafe.Subtract(ref lastWithCount, 1) = head; // nfp2lasta[freePools - 1]

        arena.FreePools = PoolHeader.GetLink(ref _memory, pool, PoolHeader.NextPool);
        if ((arena.NFreePools = freePools - 1) == 0)
        {
            _usableArenas = arena.NextArena; // the arena is full: it leaves usable_arenas
            if (_usableArenas != None) LiveArena(_usableArenas).PrevArena = None;
        }

        // The class had no used pool (that is why we are here): the pool becomes its whole circular list.
        // Stryker disable once Statement : a Debug.Assert the heap keeps true itself (only an empty class gets a new pool); it never fails
        Debug.Assert(usedHead == 0);
        PoolHeader.SetLink(ref _memory, pool, PoolHeader.NextPool, pool);
        PoolHeader.SetLink(ref _memory, pool, PoolHeader.PrevPool, pool);
        usedHead = pool;
        PoolHeader.Set(ref _memory, pool, PoolHeader.Count, 1);
        if (PoolHeader.Get(ref _memory, pool, PoolHeader.SizeClass) == sizeClass)
        {
            // An empty pool of the same class keeps its free list: no re-initialisation.
            ulong block = PoolHeader.GetLink(ref _memory, pool, PoolHeader.FreeBlock);
            PoolHeader.SetLink(ref _memory, pool, PoolHeader.FreeBlock, _memory.ReadUInt64(block));
            return block;
        }

        PoolHeader.Set(ref _memory, pool, PoolHeader.SizeClass, sizeClass);
        uint blockSize = (uint)BlockSizeOf(sizeClass);
        ulong first = pool + _poolOverhead;
        PoolHeader.Set(ref _memory, pool, PoolHeader.NextOffset, _poolOverhead + (blockSize << 1));
        PoolHeader.Set(ref _memory, pool, PoolHeader.MaxNextOffset, (uint)_poolSize - blockSize);
        ulong second = first + blockSize;
        PoolHeader.SetLink(ref _memory, pool, PoolHeader.FreeBlock, second);
        _memory.WriteUInt64(second, 0);
        return first;
    }

    /// <summary>No arena has a free pool: a new one becomes the whole of usable_arenas. 0 when no arena can be had.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // cold: keeps the inlined AllocateFromNewPool small
    private ulong StartUsableArenasThenAllocate(uint sizeClass)
    {
        int fresh = NewArena();
        if (fresh == None) return 0;
        // Stryker disable once all : unreachable through the API: the only caller runs when usable_arenas is empty, and NewArena leaves it so
        if (_checkPointers && _usableArenas != None) Broken("usable-arenas", $"a new arena starts usable_arenas, but arena {_usableArenas} heads it");
        _usableArenas = fresh;
        _arenas[fresh].NextArena = _arenas[fresh].PrevArena = None;
        _nfp2lasta[_arenas[fresh].NFreePools] = fresh;
        return AllocateFromNewPool(sizeClass, ref UsedPoolHead(sizeClass));
    }

    /// <summary>
    /// The head arena's free-pool list is empty: carve its next never-used pool and put it on that list, where
    /// <see cref="AllocateFromNewPool"/> takes it as if it had been freed (CPython takes it directly; the state after is the same).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)] // cold once an arena's pools have all been carved
    private ulong CarvePoolThenAllocate(uint sizeClass)
    {
        int head = _usableArenas;
        ref ArenaObject arena = ref _arenas[head];
        ulong pool = arena.PoolAddress;
        if (_checkPointers && pool - arena.Address > _arenaSize - _poolSize) Broken("arena-pool-address",
            $"arena {head} at 0x{arena.Address:x} has no never-used pool left to carve (next 0x{pool:x})");
        PoolHeader.Set(ref _memory, pool, PoolHeader.ArenaIndex, (uint)head);
        PoolHeader.Set(ref _memory, pool, PoolHeader.SizeClass, PoolHeader.FreshSizeClass);
        arena.PoolAddress += _poolSize;
        _hooks.AfterPoolCarved(ref _memory, pool);
        PoolHeader.SetLink(ref _memory, pool, PoolHeader.NextPool, 0);
        arena.FreePools = pool;
        return AllocateFromNewPool(sizeClass, ref UsedPoolHead(sizeClass));
    }

    /// <summary>Front-links a pool into a usedpools list (<paramref name="usedHead"/>), so the next allocation of the class uses it.</summary>
    private void LinkUsedPoolFirst(ulong pool, ref ulong usedHead)
    {
        ulong head = usedHead;
        if (head == 0)
        {
            PoolHeader.SetLink(ref _memory, pool, PoolHeader.NextPool, pool);
            PoolHeader.SetLink(ref _memory, pool, PoolHeader.PrevPool, pool);
        }
        else
        {
            ulong last = PoolHeader.GetLink(ref _memory, head, PoolHeader.PrevPool);
            PoolHeader.SetLink(ref _memory, pool, PoolHeader.NextPool, head);
            PoolHeader.SetLink(ref _memory, pool, PoolHeader.PrevPool, last);
            PoolHeader.SetLink(ref _memory, last, PoolHeader.NextPool, pool);
            PoolHeader.SetLink(ref _memory, head, PoolHeader.PrevPool, pool);
        }
        usedHead = pool;
    }

    /// <summary>Takes a pool out of its class's used list, headed by <paramref name="usedHead"/>.</summary>
    private void UnlinkUsedPool(ulong pool, ref ulong usedHead)
    {
        ulong next = PoolHeader.GetLink(ref _memory, pool, PoolHeader.NextPool);
        if (next == pool)
        {
            usedHead = 0;
            // Stryker disable once Statement : in a one-pool circle prev and next are the pool itself, so the writes below store the links already there, and usedHead (now 0) is not the pool
            return;
        }
        ulong prev = PoolHeader.GetLink(ref _memory, pool, PoolHeader.PrevPool);
        PoolHeader.SetLink(ref _memory, prev, PoolHeader.NextPool, next);
        PoolHeader.SetLink(ref _memory, next, PoolHeader.PrevPool, prev);
        if (usedHead == pool) usedHead = next;
    }
}
