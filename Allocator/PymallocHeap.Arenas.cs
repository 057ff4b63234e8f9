namespace PymallocVerify.Allocator;

// Arena management: new_arena, the growing arena table, releasing a wholly free arena.
public sealed partial class PymallocHeap<TMemory, TOracle, THooks>
{
    /// <summary>new_arena: takes an unused slot (growing the table if none), obtains ARENA_SIZE bytes, returns the slot or None.</summary>
    private int NewArena()
    {
        if (_unusedArenaObjects == None && !GrowArenaTable()) return None;

        int index = _unusedArenaObjects;
        ulong address = _memory.AllocateArena(_arenaSize);
        if (address == 0) return None; // the slot stays on the unused list

        _unusedArenaObjects = _arenas[index].NextArena;
        ref ArenaObject arena = ref _arenas[index];
        if (_checkPointers && arena.Address != 0) Broken("unused-list", $"slot {index} on the unused list still holds arena 0x{arena.Address:x}");
        arena.FreePools = 0;
        arena.PoolAddress = address;
        arena.NFreePools = _maxPoolsInArena;
        ulong excess = address & (_poolSize - 1);
        if (excess != 0)
        {
            // An arena that is not pool-aligned loses its first (partial) pool.
            arena.NFreePools--;
            arena.PoolAddress += _poolSize - excess;
        }
        arena.NTotalPools = arena.NFreePools;
        _oracle.OnArenaAdded(address, ref _hooks);
        // Publish last: a lock-free reader that sees the base sees a fully set-up slot.
        _hooks.Interleave(SharedAccess.ArenaSlotPublish);
        Volatile.Write(ref arena.Address, address);

        _arenasAllocatedTotal++;
        _arenasCurrent++;
        // Stryker disable once Equality : when the two are equal the assignment stores the value already there
        if (_arenasCurrent > _arenasHighwater) _arenasHighwater = _arenasCurrent;
        return index;
    }

    /// <summary>
    /// Doubles the arena table (16 slots first). The new table is built completely and then published in one
    /// store, so a lock-free reader holding either table sees initialised slots; the old one is left to the GC.
    /// </summary>
    private bool GrowArenaTable()
    {
        int old = _arenas.Length;
        int grown = old == 0 ? InitialArenaObjects : old << 1;
        // Stryker disable once Equality,Boolean : the int-overflow guard needs 2^30 arena slots, beyond any test, and grown never equals old
        if (grown <= old) return false;
        var table = new ArenaObject[grown];
        Array.Copy(_arenas, table, old);
        for (int i = old; i < grown; i++)
        {
            table[i].NextArena = i < grown - 1 ? i + 1 : None;
            table[i].PrevArena = None;
        }
        ArenaObject[] previous = _arenas;
        _hooks.Interleave(SharedAccess.ArenaTablePublish);
        Volatile.Write(ref _arenas, table);
        _hooks.AfterArenaTablePublished(previous, table);
        _unusedArenaObjects = old;
        return true;
    }

    /// <summary>Unpublishes the slot (address 0) before the memory goes back, so no reader can pass the check afterwards.</summary>
    private void ReleaseArena(int index)
    {
        ref ArenaObject arena = ref _arenas[index];
        ulong address = arena.Address;
        // Stryker disable once all : unreachable through the API: the only caller releases a live arena whose free pools equal its total
        if (_checkPointers && (arena.NFreePools != arena.NTotalPools || address == 0)) Broken("arena-nfreepools",
            $"arena {index} (0x{address:x}) is released with {arena.NFreePools} of {arena.NTotalPools} pools free");
        arena.NextArena = _unusedArenaObjects;
        _unusedArenaObjects = index;
        _hooks.Interleave(SharedAccess.ArenaSlotClear);
        Volatile.Write(ref arena.Address, 0UL);
        _hooks.AfterArenaSlotCleared(ref arena, address);
        _oracle.OnArenaRemoved(address, ref _hooks);
        _hooks.Interleave(SharedAccess.ArenaMemoryRelease);
        _memory.FreeArena(address, _arenaSize);
        _arenasCurrent--;
        // Stryker disable once all : unreachable through the API: an arena is released at most once per arena obtained
        if (_checkPointers && _arenasCurrent < 0) Broken("arena-count", "more arenas released than were obtained");
    }

    /// <summary>Returns every live arena to the memory space. Blocks still allocated from them become invalid.</summary>
    public void Dispose()
    {
        // Stryker disable once Statement : a second Dispose finds every slot already 0, so returning early changes nothing
        if (_disposed) return;
        // Stryker disable once Boolean : as above, a second Dispose without the flag walks slots that are all 0
        _disposed = true;
        for (int i = 0; i < _arenas.Length; i++)
        {
            ulong address = _arenas[i].Address;
            if (address == 0) continue;
            _arenas[i].Address = 0;
            _oracle.OnArenaRemoved(address, ref _hooks);
            _memory.FreeArena(address, _arenaSize);
        }
        _arenasCurrent = 0;
    }
}
