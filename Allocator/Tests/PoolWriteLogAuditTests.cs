using PymallocVerify.Allocator;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// Over a backend with a write log, a <see cref="HeapCheckLevel.Full"/> audit checks the pools written since the last
/// audit passed, or moved on or off a list since, and skips the rest (<see cref="IPoolWriteLog"/>); an arena whose
/// fields, free pools and listed pools are as that audit found them skips its own rules too. A write the log does not
/// see shows what was skipped: its corruption passes the audit, and the full <c>CheckInvariants</c> still finds it. A
/// pool that changed lists, an arena field changed in the table (nfreepools too), an arena moved to another slot, or
/// pools uncarved and carved again, with no write to pool bytes, shows that those count as a change; a pool written
/// with what it held shows that the shortcuts check it with the memberships it has. The arena table's rules and the
/// usedpools walk are skipped while what they read is as that audit found it: a table field, head or nfp2lasta entry
/// changed alone, or one list word of a listed pool, shows that each counts as a change.
/// </summary>
public class PoolWriteLogAuditTests
{
    /// <summary>Every pool written through the backend since the last <see cref="Reset"/>; every pool once arenas come or go.</summary>
    private sealed class PoolWriteRecorder(ulong poolSize) : IPoolWriteLog
    {
        private readonly HashSet<ulong> _written = [];
        private bool _arenasChanged;

        public void Wrote(ulong address, ulong count)
        {
            for (ulong pool = address & ~(poolSize - 1); pool < address + count; pool += poolSize) _written.Add(pool);
        }

        public void ArenasChanged() => _arenasChanged = true;
        public bool TryListChanged(out ReadOnlySpan<ulong> pools)
        {
            pools = _written.ToArray();
            return !_arenasChanged;
        }

        public void Reset()
        {
            _written.Clear();
            _arenasChanged = false;
        }
    }

    /// <summary>The fenced test memory, with every write reported to the log (and one way around it, for the tests).</summary>
    private struct LoggedArenaMemory(TestArenaMemory inner, PoolWriteRecorder log) : IMemorySpace
    {
        private TestArenaMemory _inner = inner;

        public readonly IPoolWriteLog PoolWriteLog => log;

        /// <summary>A write the log does not see, as a backend with a broken log would let through.</summary>
        public void WriteUInt32Unlogged(ulong address, uint value) => _inner.WriteUInt32(address, value);

        public void WriteUInt64Unlogged(ulong address, ulong value) => _inner.WriteUInt64(address, value);

        public ulong AllocateArena(ulong size) { log.ArenasChanged(); return _inner.AllocateArena(size); }
        public void FreeArena(ulong address, ulong size) { log.ArenasChanged(); _inner.FreeArena(address, size); }
        public ulong SystemMalloc(ulong size) => _inner.SystemMalloc(size);
        public ulong SystemCalloc(ulong count, ulong size) => _inner.SystemCalloc(count, size);
        public ulong SystemRealloc(ulong address, ulong size) => _inner.SystemRealloc(address, size);
        public void SystemFree(ulong address) => _inner.SystemFree(address);
        public ulong ReadUInt64(ulong address) => _inner.ReadUInt64(address);
        public void WriteUInt64(ulong address, ulong value) { log.Wrote(address, 8); _inner.WriteUInt64(address, value); }
        public uint ReadUInt32(ulong address) => _inner.ReadUInt32(address);
        public void WriteUInt32(ulong address, uint value) { log.Wrote(address, 4); _inner.WriteUInt32(address, value); }
        public uint ReadArenaIndex(ulong address) => _inner.ReadArenaIndex(address);
        public void Copy(ulong destination, ulong source, ulong count) { log.Wrote(destination, count); _inner.Copy(destination, source, count); }
        public void Fill(ulong destination, byte value, ulong count) { log.Wrote(destination, count); _inner.Fill(destination, value, count); }
    }

    /// <summary>Where a pool's first block starts: after its header.</summary>
    private static readonly ulong FirstBlockOffset = (ulong)Geometry.Tiny.PoolOverhead;

    private readonly PymallocHeap<LoggedArenaMemory, PoolIndexOracle, NoHooks> _heap = new(Geometry.Tiny,
        new LoggedArenaMemory(new TestArenaMemory(new OffsetArenas(0, new ArenaLedger())), new PoolWriteRecorder(256)),
        checks: HeapCheckLevel.Full);

    /// <summary>
    /// Arena 0 full of 64-byte blocks (three per pool, four pools), then one block in pool P, the first pool of arena 1,
    /// so P shares its pool index with a pool of arena 0. Returns P.
    /// </summary>
    private ulong APoolInTheSecondArena()
    {
        var blocks = Enumerable.Range(0, 13).Select(_ => _heap.Malloc(64)).ToList();
        Assert.Equal(2, _heap.LiveArenaCount);
        return blocks[12] & ~255UL;
    }

    /// <summary>
    /// Arena 0's four pools full of 64-byte blocks, then the first <paramref name="emptied"/> pools emptied, so its free
    /// pools run from the last emptied down to pool 0. Returns the four pools.
    /// </summary>
    private ulong[] AnArenaWithItsFirstPoolsFree(int emptied)
    {
        var blocks = Enumerable.Range(0, 12).Select(_ => _heap.Malloc(64)).ToList();
        ulong[] pools = [.. Enumerable.Range(0, 4).Select(k => _heap.ArenaTableSnapshot[0].Address + (ulong)k * 256)];
        Assert.All(blocks, b => Assert.Contains(b & ~255UL, pools));
        foreach (ulong b in blocks.Where(b => Array.IndexOf(pools, b & ~255UL) < emptied)) _heap.Free(b);
        return pools;
    }

    [Fact]
    public void A_pool_written_since_the_last_audit_is_walked()
    {
        ulong pool = APoolInTheSecondArena();
        _heap.Memory.WriteUInt32(pool + PoolHeader.Count, 2); // one block in use, two carved
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(16)); // a new pool beside P
        Assert.Equal("free-list-length", broken.Invariant);
        Assert.EndsWith($": pool 0x{pool:x}: 1 free + 2 in use != 2 carved blocks", broken.Detail);
    }

    [Fact]
    public void A_pool_the_log_says_is_unchanged_is_skipped_until_a_full_check()
    {
        ulong pool = APoolInTheSecondArena();
        _heap.Memory.WriteUInt32Unlogged(pool + PoolHeader.Count, 2);
        _heap.Malloc(16);      // its audit skips P: the log saw no write to it since the audit that passed
        _heap.Free(_heap.Malloc(48));
        var broken = Assert.Throws<HeapInvariantException>(_heap.CheckInvariants); // the full walk still finds it
        Assert.Equal(("free-list-length", $"pool 0x{pool:x}: 1 free + 2 in use != 2 carved blocks"), (broken.Invariant, broken.Detail));
    }

    [Fact]
    public void After_an_audit_that_failed_every_pool_is_walked_again()
    {
        ulong pool = APoolInTheSecondArena();
        ulong first = _heap.ArenaTableSnapshot[0].Address; // arena 0's first pool: full, unchanged since the last audit passed
        _heap.Memory.WriteUInt32(pool + PoolHeader.Count, 2);
        Assert.Throws<HeapInvariantException>(() => _heap.Malloc(16)); // it skips the first pool, then fails at P
        _heap.Memory.WriteUInt32(pool + PoolHeader.Count, 1);          // P repaired
        _heap.Memory.WriteUInt32Unlogged(first + PoolHeader.Count, 2);
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(16)); // the failed audit vouches for nothing
        Assert.Equal("pool-full", broken.Invariant);
        Assert.EndsWith($": pool 0x{first:x}: count 2 of 3 blocks, freeblock null", broken.Detail);
    }

    [Fact]
    public void A_pool_written_in_an_arena_that_changed_nothing_else_is_checked_alone()
    {
        ulong pool = APoolInTheSecondArena();
        ulong full = _heap.ArenaTableSnapshot[0].Address + 256; // arena 0's second pool: full, on no list
        // Written with what they hold: each is checked alone, as listed (P) or not (the full pool), and passes.
        _heap.Memory.WriteUInt32(pool + PoolHeader.Count, 1);
        _heap.Memory.WriteUInt32(full + PoolHeader.Count, 3);
        _heap.Malloc(100);
        _heap.Memory.WriteUInt32(pool + PoolHeader.Count, 2);
        // A system block: no arena field, list or other pool changes, so only P's own rules run, and they fail.
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("free-list-length", broken.Invariant);
        Assert.EndsWith($": pool 0x{pool:x}: 1 free + 2 in use != 2 carved blocks", broken.Detail);
        // The same for a pool that is not its arena's first.
        _heap.Memory.WriteUInt32(pool + PoolHeader.Count, 1);
        _heap.Malloc(100);
        _heap.Memory.WriteUInt32(full + PoolHeader.Count, 2);
        broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("pool-full", broken.Invariant);
        Assert.EndsWith($": pool 0x{full:x}: count 2 of 3 blocks, freeblock null", broken.Detail);
    }

    [Fact]
    public void A_written_pool_that_was_free_sends_its_arena_back_to_the_whole_walk()
    {
        ulong[] pools = AnArenaWithItsFirstPoolsFree(2); // free pools 1 -> 0, pools 2 and 3 full
        _heap.Free(_heap.Malloc(100)); // an audit that changes no arena: the free pools' chain is now vouched for
        // A free pool written with what it holds: the arena is walked whole, the full pools (on no list) as they were.
        _heap.Memory.WriteUInt64(pools[0] + PoolHeader.NextPool, _heap.Memory.ReadUInt64(pools[0] + PoolHeader.NextPool));
        _heap.Malloc(100);
        // The same walk checks a full pool written alongside, as a changed one.
        _heap.Memory.WriteUInt64(pools[0] + PoolHeader.NextPool, _heap.Memory.ReadUInt64(pools[0] + PoolHeader.NextPool));
        _heap.Memory.WriteUInt32(pools[2] + PoolHeader.Count, 2);
        var full = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("pool-full", full.Invariant);
        Assert.EndsWith($": pool 0x{pools[2]:x}: count 2 of 3 blocks, freeblock null", full.Detail);
        _heap.Memory.WriteUInt32(pools[2] + PoolHeader.Count, 3);
        _heap.Malloc(100);
        // Pool 0's link now leads back to pool 1: only the walk of the free pools sees the cycle (pool 0's own rules hold).
        _heap.Memory.WriteUInt64(pools[0] + PoolHeader.NextPool, pools[1]);
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("arena-freepools", broken.Invariant);
        Assert.EndsWith($": slot 0: cycle through free pool 0x{pools[1]:x}", broken.Detail);
    }

    [Fact]
    public void An_arena_nothing_it_reads_changed_in_is_skipped_until_a_full_check()
    {
        // As above, free pools 1 -> 0 in arena 0, vouched for; then the cycle written where the log does not see it.
        ulong[] pools = AnArenaWithItsFirstPoolsFree(2);
        _heap.Free(_heap.Malloc(100));
        _heap.Memory.WriteUInt64Unlogged(pools[0] + PoolHeader.NextPool, pools[1]);
        // A full pool written with what it holds (the log lists it, not a free one): its rules alone run.
        _heap.Memory.WriteUInt32(pools[2] + PoolHeader.Count, 3);
        _heap.Free(_heap.Malloc(100)); // its audits skip the arena's own rules: nothing they read changed, says the log
        var broken = Assert.Throws<HeapInvariantException>(_heap.CheckInvariants);
        Assert.Equal(("arena-freepools", $"slot 0: cycle through free pool 0x{pools[1]:x}"), (broken.Invariant, broken.Detail));
    }

    /// <summary>
    /// A full pool gets a block back and joins its usedpools list, in an arena whose fields do not change: the arena keeps
    /// its shortcut (the pool's own rules run, the arena's do not), as when the lists hold the same pools.
    /// </summary>
    [Fact]
    public void An_arena_whose_pool_only_joined_a_list_is_skipped_until_a_full_check()
    {
        ulong[] pools = AnArenaWithItsFirstPoolsFree(2); // free pools 1 -> 0, pools 2 and 3 full
        _heap.Free(_heap.Malloc(100));
        _heap.Memory.WriteUInt64Unlogged(pools[0] + PoolHeader.NextPool, pools[1]);
        _heap.Free(pools[2] + FirstBlockOffset); // pool 2's first block: the pool joins usedpools, no arena field changes
        Assert.Equal(pools[2], _heap.UsedPoolHeads[Geometry.Tiny.SizeClassOf(64)]);
        var broken = Assert.Throws<HeapInvariantException>(_heap.CheckInvariants);
        Assert.Equal(("arena-freepools", $"slot 0: cycle through free pool 0x{pools[1]:x}"), (broken.Invariant, broken.Detail));
    }

    [Fact]
    public void After_an_audit_that_failed_no_arena_it_reached_is_skipped_whole()
    {
        ulong pool = APoolInTheSecondArena();
        ulong first = _heap.ArenaTableSnapshot[0].Address; // arena 0's first pool: full
        _heap.Free(_heap.Malloc(100));
        _heap.Memory.WriteUInt32(pool + PoolHeader.Count, 2);
        Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100)); // it reaches arena 0, then fails at P in arena 1
        _heap.Memory.WriteUInt32(pool + PoolHeader.Count, 1);
        _heap.Memory.WriteUInt32Unlogged(first + PoolHeader.Count, 2);
        // Arena 0's fields, lists and pools are as the last passed audit found them, but the failed audit vouches for
        // nothing: the arena is walked whole.
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("pool-full", broken.Invariant);
        Assert.EndsWith($": pool 0x{first:x}: count 2 of 3 blocks, freeblock null", broken.Detail);
    }

    [Fact]
    public void A_usedpools_list_that_swapped_one_pool_for_another_is_seen_though_the_count_is_the_same()
    {
        // 16-byte blocks (class 0): 13 fill pool X, the 14th starts pool Y, alone on usedpools[0].
        var blocks = Enumerable.Range(0, 14).Select(_ => _heap.Malloc(16)).ToList();
        ulong x = blocks[0] & ~255UL, y = blocks[13] & ~255UL;
        Assert.NotEqual(x, y);
        _heap.Free(_heap.Malloc(100));
        TestHeaps.SetUsedPoolHead(_heap, 0, x); // X (full) alone on the list: a circle of one, as it was before it filled
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100)); // no pool written
        Assert.Equal("used-pool-list", broken.Invariant);
        Assert.EndsWith($": full pool 0x{x:x} is on a usedpools list", broken.Detail);
    }

    [Fact]
    public void A_write_to_a_pool_not_yet_carved_is_not_checked()
    {
        ulong pool = APoolInTheSecondArena(); // arena 1: only P carved
        _heap.Memory.WriteUInt32(pool + 256 + PoolHeader.Count, 7); // the next pool: never carved, so no rule reads it
        _heap.Malloc(100);
        _heap.CheckInvariants();
    }

    public enum ArenaField { Address, NTotalPools, PoolAddress, FreePools }

    [Theory]
    [InlineData(ArenaField.Address, "arena-ntotalpools")]
    [InlineData(ArenaField.NTotalPools, "arena-ntotalpools")]
    [InlineData(ArenaField.PoolAddress, "arena-pool-address")]
    [InlineData(ArenaField.FreePools, "arena-freepools")]
    public void An_arena_whose_own_fields_changed_is_walked_though_no_pool_was_written(ArenaField field, string invariant)
    {
        ulong pool = APoolInTheSecondArena();
        _heap.Free(_heap.Malloc(100)); // an audit that changes no arena: arena 1 is vouched for
        ref ArenaObject arena = ref _heap.ArenaTableSnapshot[1];
        Assert.Equal(pool, arena.Address);
        // Fields only the arena's own rules read (the usable_arenas checks read none of them), changed in the table
        // alone: the log sees no write.
        switch (field)
        {
            case ArenaField.Address: arena.Address += 16; break; // off the pool boundary: one pool fewer fits
            case ArenaField.NTotalPools: arena.NTotalPools -= 1; break;
            case ArenaField.PoolAddress: arena.PoolAddress += 8; break;
            case ArenaField.FreePools: arena.FreePools = pool + 256; break; // the next pool, never carved
        }
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal(invariant, broken.Invariant);
    }

    /// <summary>
    /// P fills (it leaves its usedpools list) and gets a block back (it joins again), with no arena field changing: both
    /// audits take the arena's shortcut, which records the memberships and the arena's count of listed pools. An audit
    /// that kept the old membership, or the old count, would find the lists hold a pool more or fewer than the arenas.
    /// </summary>
    [Fact]
    public void A_pool_that_leaves_its_usedpools_list_and_joins_it_again_passes_every_audit()
    {
        ulong pool = APoolInTheSecondArena();
        ulong[] more = [_heap.Malloc(64), _heap.Malloc(64)];
        Assert.All(more, b => Assert.Equal(pool, b & ~255UL)); // P is full: off its list
        _heap.Free(more[0]);                                  // back on it
        _heap.Free(more[1]);
        _heap.Free(_heap.Malloc(64));                          // full again, and back
        _heap.CheckInvariants();
    }

    /// <summary>
    /// A usedpools list may hold any address. A fake pool M inside full pool P's blocks, with a header that passes a
    /// pool's own rules written there, joins a list: the lists then hold one pool more than the arenas' carved pools.
    /// Counting M as P (the pool its address falls in) balanced that count and passed the audit.
    /// </summary>
    [Fact]
    public void A_listed_address_inside_a_pool_is_not_counted_as_that_pool()
    {
        APoolInTheSecondArena();
        _heap.Free(_heap.Malloc(100)); // arena 0 (four full pools, none listed) vouched for
        ulong m = _heap.ArenaTableSnapshot[0].Address + 64; // inside P's blocks, off the pool boundary
        const uint size = 16;
        _heap.Memory.WriteUInt32(m + PoolHeader.Count, 1);
        _heap.Memory.WriteUInt64(m + PoolHeader.FreeBlock, m + FirstBlockOffset + size);
        _heap.Memory.WriteUInt64(m + PoolHeader.NextPool, m);
        _heap.Memory.WriteUInt64(m + PoolHeader.PrevPool, m);
        _heap.Memory.WriteUInt32(m + PoolHeader.ArenaIndex, 0);
        _heap.Memory.WriteUInt32(m + PoolHeader.SizeClass, 0);
        _heap.Memory.WriteUInt32(m + PoolHeader.NextOffset, (uint)FirstBlockOffset + 2 * size);
        _heap.Memory.WriteUInt32(m + PoolHeader.MaxNextOffset, 256 - size);
        _heap.Memory.WriteUInt64(m + FirstBlockOffset + size, 0);
        Assert.Equal(0UL, _heap.UsedPoolHeads[0]);
        TestHeaps.SetUsedPoolHead(_heap, 0, m);
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100)); // a system block
        Assert.Equal("used-pool-in-arena", broken.Invariant);
    }

    /// <summary>
    /// Pools taken off their usedpools list at once, no pool written: up to eight keep their arenas' shortcut, which
    /// checks each of them with its membership now; a ninth sends every arena to the whole walk. Either way the used
    /// pools off their list are seen.
    /// </summary>
    [Theory]
    [InlineData(8)]
    [InlineData(9)]
    public void Partial_pools_taken_off_their_list_at_once_are_seen_up_to_and_past_the_shortcuts_limit(int n)
    {
        // n pools of 64-byte blocks (three each), filled, then one block freed in each: n partial pools on one list.
        var blocks = Enumerable.Range(0, 3 * n).Select(_ => _heap.Malloc(64)).ToList();
        var pools = blocks.Select(b => b & ~255UL).Distinct().ToList();
        Assert.Equal(n, pools.Count);
        foreach (ulong pool in pools) _heap.Free(blocks.First(b => (b & ~255UL) == pool));
        _heap.Free(_heap.Malloc(100));
        TestHeaps.SetUsedPoolHead(_heap, Geometry.Tiny.SizeClassOf(64), 0);
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100)); // a system block: no pool written
        Assert.Equal("used-pool-list", broken.Invariant);
    }

    /// <summary>
    /// One pool joins its list (a block freed in full pool X) while another leaves it (partial pool Y dropped, no write):
    /// the lists hold as many pools as before, so only a look for the pools that left finds Y.
    /// </summary>
    [Fact]
    public void A_pool_that_left_its_list_while_another_joined_is_checked()
    {
        ulong[] pools = AnArenaWithItsFirstPoolsFree(0); // four full pools
        ulong x = pools[2], y = pools[3];
        _heap.Free(y + FirstBlockOffset); // Y partial, alone on its list
        int sizeClass = Geometry.Tiny.SizeClassOf(64);
        TestHeaps.SetUsedPoolHead(_heap, sizeClass, 0);
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Free(x + FirstBlockOffset)); // X joins: the list holds X alone
        Assert.Equal("used-pool-list", broken.Invariant);
        Assert.EndsWith($": used pool 0x{y:x} (count 2) is not on usedpools[{sizeClass}]", broken.Detail);
    }

    /// <summary>
    /// A partial pool Y dropped from its list (no write) while a new pool is carved in the same arena (its fields change,
    /// so it is walked whole): Y's membership is read from the lists, not from what the last audit recorded.
    /// </summary>
    [Fact]
    public void A_pool_that_left_its_list_in_an_arena_walked_whole_is_checked()
    {
        ulong[] pools = AnArenaWithItsFirstPoolsFree(1); // pool 0 free, pools 1 to 3 full
        ulong y = pools[3];
        _heap.Free(y + FirstBlockOffset);
        int sizeClass = Geometry.Tiny.SizeClassOf(64);
        TestHeaps.SetUsedPoolHead(_heap, sizeClass, 0);
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(16)); // carves pool 0 for another class
        Assert.Equal("used-pool-list", broken.Invariant);
        Assert.EndsWith($": used pool 0x{y:x} (count 2) is not on usedpools[{sizeClass}]", broken.Detail);
    }

    [Fact]
    public void A_pool_taken_off_its_usedpools_list_is_checked_though_its_bytes_did_not_change()
    {
        ulong pool = APoolInTheSecondArena(); // the only pool of its class with a free block: alone on its list
        int sizeClass = Geometry.Tiny.SizeClassOf(64);
        TestHeaps.SetUsedPoolHead(_heap, sizeClass, 0);
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100)); // a system block: no pool written
        Assert.Equal("used-pool-list", broken.Invariant);
        Assert.EndsWith($": used pool 0x{pool:x} (count 1) is not on usedpools[{sizeClass}]", broken.Detail);
    }

    [Fact]
    public void A_pool_taken_off_its_arenas_free_pools_is_checked_though_its_bytes_did_not_change()
    {
        ulong[] pools = AnArenaWithItsFirstPoolsFree(3); // free pools 2 -> 1 -> 0, pool 3 full
        // Relinked 2 -> 3 -> 0 through pools 2's and 3's headers (logged writes): pool 1 leaves the list, and pool 3
        // (full) joins it, so the counts still agree. Pool 1's bytes did not change; its rules now fail, as do pool 3's.
        _heap.Memory.WriteUInt64(pools[2] + PoolHeader.NextPool, pools[3]);
        _heap.Memory.WriteUInt64(pools[3] + PoolHeader.NextPool, pools[0]);
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100)); // a system block: no pool written
        Assert.Equal("pool-empty", broken.Invariant);
        Assert.EndsWith($": pool 0x{pools[1]:x}: count 0 but not on its arena's free pools", broken.Detail);
    }

    // The three below change heap fields only, as a buggy heap could, so an honest log lists nothing.

    [Fact]
    public void A_changed_nfreepools_is_seen_though_nfp2lasta_was_changed_to_match()
    {
        APoolInTheSecondArena();
        _heap.Free(_heap.Malloc(100)); // arena 1 vouched for
        ref ArenaObject arena = ref _heap.ArenaTableSnapshot[1];
        Assert.Equal(3u, arena.NFreePools);
        int[] nfp2lasta = TestHeaps.Nfp2lasta(_heap);
        // One free pool fewer, and nfp2lasta to match: the usable_arenas checks hold, the arena's count does not.
        arena.NFreePools = 2;
        (nfp2lasta[3], nfp2lasta[2]) = (-1, 1);
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("arena-nfreepools", broken.Invariant);
    }

    [Fact]
    public void A_pool_uncarved_and_carved_again_is_checked_though_an_older_audit_found_it_as_it_is()
    {
        APoolInTheSecondArena();
        ulong block = _heap.Malloc(16); // carves pool 1 of arena 1
        ulong pool = block & ~255UL;
        ref ArenaObject arena = ref _heap.ArenaTableSnapshot[1];
        Assert.Equal(arena.Address + 256, pool);
        _heap.Free(block); // audit L1: pool 1 empty, on the free pools
        (arena.PoolAddress, arena.FreePools) = (arena.PoolAddress - 256, 0); // uncarved: nfreepools 0 + 3 as before
        _heap.Memory.WriteUInt32(pool + PoolHeader.Count, 5); // logged, in a pool not carved
        _heap.Malloc(100); // audit L2 passes without reading pool 1, and resets the log
        (arena.PoolAddress, arena.FreePools) = (arena.PoolAddress + 256, pool); // carved and free again, as L1 found it
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("pool-empty", broken.Invariant);
        Assert.EndsWith($"pool 0x{pool:x}: count 5 but on its arena's free pools", broken.Detail);
    }

    [Fact]
    public void Arenas_swapped_between_slots_have_their_pools_checked()
    {
        Enumerable.Range(0, 24).Select(_ => _heap.Malloc(64)).ToList(); // arenas 0 and 1 full: on no list
        _heap.Free(_heap.Malloc(100)); // both vouched for
        ArenaObject[] table = _heap.ArenaTableSnapshot;
        (table[0], table[1]) = (table[1], table[0]); // no arena came or went: every pool's recorded memberships still match
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("pool-arena-index", broken.Invariant);
    }

    // The arena table's rules are skipped while the table, its heads, the live count and nfp2lasta are as the last
    // passed audit found them. Each below changes one of those alone, with no write the log could list.

    /// <summary>An arena in slot 0, one in slot 1 whose pool P holds a block, and an audit passed since.</summary>
    private void AnAuditedTable()
    {
        APoolInTheSecondArena();
        _heap.Free(_heap.Malloc(100)); // a system block: audits pass, nothing in the table changes
    }

    [Fact]
    public void An_nfp2lasta_entry_changed_alone_is_seen()
    {
        AnAuditedTable();
        TestHeaps.Nfp2lasta(_heap)[1] = 1; // arena 1 has three free pools, none has one
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("nfp2lasta", broken.Invariant);
    }

    [Fact]
    public void An_unused_slot_linked_elsewhere_alone_is_seen()
    {
        AnAuditedTable();
        ArenaObject[] table = _heap.ArenaTableSnapshot;
        int unused = _heap.UnusedArenaObjectsHead;
        table[unused].NextArena = unused; // a cycle through the unused list's head
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("unused-list", broken.Invariant);
    }

    [Theory]
    [InlineData("_unusedArenaObjects", "unused-list")]
    [InlineData("_usableArenas", "usable-arenas")]
    [InlineData("_arenasCurrent", "arena-count")]
    public void A_table_head_or_the_live_count_changed_alone_is_seen(string field, string invariant)
    {
        AnAuditedTable();
        TestHeaps.SetArenaTableField(_heap, field, -1); // no unused slot, no usable arena, or -1 live arenas
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal(invariant, broken.Invariant);
    }

    // The usedpools lists are not walked while usedpools is as the last passed audit found it and every listed pool the
    // log lists has the list words it had then. Each below changes one word of a listed pool, through a logged write.

    /// <summary>Two 16-byte pools on usedpools[0]: A (emptied of one block after filling) and B, A first. Returns A, B.</summary>
    private (ulong A, ulong B) TwoPoolsOnOneList()
    {
        var blocks = Enumerable.Range(0, 14).Select(_ => _heap.Malloc(16)).ToList();
        (ulong a, ulong b) = (blocks[0] & ~255UL, blocks[13] & ~255UL);
        _heap.Free(blocks[0]); // A was full: it rejoins usedpools[0] at the front
        _heap.Free(_heap.Malloc(100)); // audits pass with the lists as they are
        Assert.Equal(a, _heap.UsedPoolHeads[0]);
        Assert.Equal(b, _heap.Memory.ReadUInt64(a + PoolHeader.NextPool));
        return (a, b);
    }

    [Fact]
    public void A_listed_pool_whose_size_class_changed_is_seen()
    {
        (ulong a, _) = TwoPoolsOnOneList();
        _heap.Memory.WriteUInt32(a + PoolHeader.SizeClass, 1);
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("used-pool-class", broken.Invariant);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_listed_pool_whose_link_changed_is_seen(bool next)
    {
        (ulong a, ulong b) = TwoPoolsOnOneList();
        _heap.Memory.WriteUInt64(a + (ulong)(next ? PoolHeader.NextPool : PoolHeader.PrevPool), a); // a loop on itself
        var broken = Assert.Throws<HeapInvariantException>(() => _heap.Malloc(100));
        Assert.Equal("used-pool-list", broken.Invariant);
        Assert.EndsWith(next ? $"0x{a:x}.prevpool does not point back to 0x{a:x}" : $"0x{a:x}.prevpool does not point back to 0x{b:x}",
            broken.Detail);
    }
}
