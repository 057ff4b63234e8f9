using PymallocVerify.Allocator;

namespace PymallocVerify.Allocator.Tests;

public class HeapTests
{
    private readonly ArenaLedger _ledger = new();

    [Fact]
    public void An_unaligned_arena_loses_its_first_pool()
    {
        using var aligned = TestHeaps.Create(Geometry.Classic, new ArenaLedger(), arenaOffset: 0);
        using var unaligned = TestHeaps.Create(Geometry.Classic, _ledger, arenaOffset: 16);
        ulong a = aligned.Malloc(8), u = unaligned.Malloc(8);

        Assert.Equal(64u, aligned.ArenaTableSnapshot[0].NTotalPools);
        Assert.Equal(63u, unaligned.ArenaTableSnapshot[0].NTotalPools);
        ulong arena = _ledger.Obtained[0];
        Assert.Equal(arena - 16 + 4096 + 48, u);         // first block: the next pool boundary + header
        Assert.Equal(aligned.ArenaTableSnapshot[0].Address + 48, a);
        Assert.Equal(4096L, unaligned.GetStats().ArenaAlignmentBytes);
    }

    [Fact]
    public void Native_arenas_are_malloc_aligned_and_lose_a_pool_when_not_pool_aligned()
    {
        using var heap = new PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks>(Geometry.Classic);
        heap.Free(heap.Malloc(100));
        ArenaObject arena = heap.ArenaTableSnapshot[0];
        Assert.Equal(arena.Address % 4096 == 0 ? 64u : 63u, arena.NTotalPools);
        heap.CheckInvariants();
    }

    [Fact]
    public void A_pool_cycles_full_used_empty_and_is_reused_for_another_size_class()
    {
        using var heap = TestHeaps.Create(Geometry.Tiny, _ledger);
        var blocks = Enumerable.Range(0, 13).Select(_ => heap.Malloc(16)).ToList(); // 13 blocks fill a 256-byte pool
        ulong pool = blocks[0] & ~255UL;
        Assert.All(blocks, b => Assert.Equal(pool, b & ~255UL));
        Assert.Equal(0UL, heap.Memory.ReadUInt64(pool + PoolHeader.FreeBlock)); // full: no free block
        ulong fourteenth = heap.Malloc(16);
        Assert.NotEqual(pool, fourteenth & ~255UL);                             // a full pool is off usedpools

        heap.Free(blocks[5]);                                                   // full -> used, front of the list
        Assert.Equal(blocks[5], heap.Malloc(16));
        heap.Free(blocks[5]);
        heap.CheckInvariants();

        foreach (var b in blocks.Where((_, i) => i != 5)) heap.Free(b);          // used -> empty
        Assert.Equal(0u, heap.Memory.ReadUInt32(pool + PoolHeader.Count));
        Assert.Equal(pool, heap.ArenaTableSnapshot[0].FreePools);
        heap.CheckInvariants();

        ulong reused = heap.Malloc(40);                                         // class 2 (48 bytes) takes the empty pool
        Assert.Equal(pool + 48, reused);
        Assert.Equal(2u, heap.Memory.ReadUInt32(pool + PoolHeader.SizeClass));
        Assert.Equal(256u - 48u, heap.Memory.ReadUInt32(pool + PoolHeader.MaxNextOffset));
        heap.CheckInvariants();
    }

    [Fact]
    public void An_empty_pool_of_the_same_class_keeps_its_free_list()
    {
        using var heap = TestHeaps.Create(Geometry.Tiny, _ledger);
        ulong a = heap.Malloc(16), b = heap.Malloc(16);
        heap.Free(a);
        heap.Free(b);            // empty pool, free list b -> a -> (carved-ahead block)
        Assert.Equal(b, heap.Malloc(16));
        Assert.Equal(a, heap.Malloc(16));
        heap.CheckInvariants();
    }

    [Fact]
    public void A_wholly_free_arena_is_returned_unless_it_is_the_last_usable_one()
    {
        using var heap = TestHeaps.Create(Geometry.Tiny, _ledger);   // 4 pools × 13 blocks of 16 per arena
        var all = Enumerable.Range(0, 104).Select(_ => heap.Malloc(16)).ToList();
        Assert.Equal(2, _ledger.Obtained.Count);
        ulong first = _ledger.Obtained[0], second = _ledger.Obtained[1];
        bool InArena(ulong p, ulong arena) => p - arena < 1024;

        foreach (var p in all.Where(p => InArena(p, second))) heap.Free(p);
        Assert.Empty(_ledger.Released);                              // last usable arena: kept (bpo-37257)
        heap.CheckInvariants();

        foreach (var p in all.Where(p => InArena(p, first))) heap.Free(p);
        Assert.Equal([first], _ledger.Released);                      // not last: handed back
        Assert.Equal(1, heap.LiveArenaCount);
        Assert.Equal(0UL, heap.ArenaTableSnapshot[0].Address);
        Assert.False(heap.IsOwned(first + 48));
        heap.CheckInvariants();

        var stats = heap.GetStats();
        Assert.Equal((2L, 1L, 2, 1), (stats.ArenasAllocatedTotal, stats.ArenasReclaimed, stats.ArenasHighwater, stats.ArenasCurrent));
    }

    [Fact]
    public void Realloc_keeps_contents_in_place_when_it_fits_and_across_classes_and_the_threshold()
    {
        using var heap = TestHeaps.Create(Geometry.Classic, _ledger);
        ulong p = heap.Malloc(100);                                  // class 6 (112 bytes)
        for (ulong i = 0; i < 100; i += 4) heap.Memory.WriteUInt32(p + i, (uint)(i * 2654435761));
        Assert.Equal(p, heap.Realloc(p, 112));                        // fits
        Assert.Equal(p, heap.Realloc(p, 85));                         // 4·85 > 3·112: stays
        ulong moved = heap.Realloc(p, 300);                           // grows: moves
        Assert.NotEqual(p, moved);
        ulong system = heap.Realloc(moved, 2000);                     // above the threshold: to the system
        Assert.False(heap.IsOwned(system));
        ulong shrunk = heap.Realloc(system, 50);                      // foreign blocks stay foreign
        Assert.False(heap.IsOwned(shrunk));
        for (ulong i = 0; i < 48; i += 4)
            Assert.Equal((uint)(i * 2654435761), heap.Memory.ReadUInt32(shrunk + i));
        int frees = _ledger.SystemFrees;
        heap.Free(shrunk);
        Assert.Equal(frees + 1, _ledger.SystemFrees);
        heap.CheckInvariants();
    }

    [Fact]
    public void Realloc_shrinking_below_three_quarters_moves_and_realloc_to_zero_gives_a_system_block()
    {
        using var heap = TestHeaps.Create(Geometry.Classic, _ledger);
        ulong p = heap.Malloc(512);
        heap.Memory.WriteUInt64(p, 0x1122334455667788);
        ulong q = heap.Realloc(p, 64);                                // 4·64 <= 3·512: moves to class 3
        Assert.NotEqual(p, q);
        Assert.Equal(0x1122334455667788UL, heap.Memory.ReadUInt64(q));
        int mallocs = _ledger.SystemMallocs;
        ulong zero = heap.Realloc(q, 0);
        Assert.Equal(mallocs + 1, _ledger.SystemMallocs);
        Assert.False(heap.IsOwned(zero));
        heap.Free(zero);
    }

    [Fact]
    public void Zero_and_large_requests_go_to_the_system_allocator()
    {
        using var heap = TestHeaps.Create(Geometry.Classic, _ledger);
        ulong zero = heap.Malloc(0), large = heap.Malloc(513), small = heap.Malloc(512);
        Assert.Equal(2, _ledger.SystemMallocs);
        Assert.False(heap.IsOwned(zero));
        Assert.False(heap.IsOwned(large));
        Assert.True(heap.IsOwned(small));
        heap.Free(zero); heap.Free(large); heap.Free(small);
        Assert.Equal(2, _ledger.SystemFrees);
    }

    [Fact]
    public void Calloc_zeroes_a_reused_block_and_refuses_overflow()
    {
        using var heap = TestHeaps.Create(Geometry.Classic, _ledger);
        ulong p = heap.Malloc(64);
        heap.Memory.Fill(p, 0xAB, 64);
        heap.Free(p);
        ulong q = heap.Calloc(4, 16);
        Assert.Equal(p, q);
        for (ulong i = 0; i < 64; i += 8) Assert.Equal(0UL, heap.Memory.ReadUInt64(q + i));
        Assert.Equal(0UL, heap.Calloc(ulong.MaxValue / 2, 4));
        heap.Free(q);
    }

    [Fact]
    public void Checked_mode_names_a_double_free_and_an_interior_pointer()
    {
        using var heap = TestHeaps.Create(Geometry.Classic, _ledger);
        ulong p = heap.Malloc(32), keep = heap.Malloc(32);
        heap.Free(p);
        var e = Assert.Throws<HeapMisuseException>(() => heap.Free(p));
        Assert.Contains("double free", e.Message);
        e = Assert.Throws<HeapMisuseException>(() => heap.Free(keep + 8));
        Assert.Contains("not the start of a block", e.Message);
        e = Assert.Throws<HeapMisuseException>(() => heap.Realloc(p, 10));
        Assert.Contains("double free", e.Message);
        heap.CheckInvariants();
    }

    [Fact]
    public void A_pool_emptied_twice_through_an_overwritten_count_throws_instead_of_indexing_past_nfp2lasta()
    {
        using var heap = TestHeaps.Create(Geometry.Classic, _ledger, checks: HeapCheckLevel.Off);
        ulong p = heap.Malloc(32);
        ulong pool = p & ~((ulong)Geometry.Classic.PoolSize - 1);
        heap.Free(p); // the only pool empties: its arena now has every pool free
        PoolHeader.Set(ref heap.Memory, pool, PoolHeader.Count, 1); // a stray write into the pool header
        var e = Assert.Throws<HeapInvariantException>(() => heap.Free(p));
        Assert.Equal("arena-nfreepools", e.Invariant);
    }

    [Fact]
    public void Stats_match_a_hand_count_and_the_byte_identity_holds()
    {
        using var heap = TestHeaps.Create(Geometry.Tiny, _ledger);
        for (int i = 0; i < 3; i++) heap.Malloc(16);
        heap.Malloc(64);
        heap.Free(heap.Malloc(32)); // a carved pool that emptied again counts among the unused pools, not as class 1's
        var s = heap.GetStats();
        Assert.Equal([new SizeClassStats(0, 16, 1, 3, 10), new SizeClassStats(3, 64, 1, 1, 2)], s.SizeClasses);
        Assert.Equal(2, s.UnusedPools);
        Assert.Equal(3 * 16 + 64, s.AllocatedBytes);
        Assert.Equal(2 * 48, s.PoolHeaderBytes);
        Assert.Equal((208 % 16) + (208 % 64), s.QuantizationBytes);
        AssertIdentity(s);
        Assert.Contains("Small block threshold = 64, in 4 size classes.", s.Format());
    }

    [Fact]
    public void Mixed_workload_keeps_contents_and_invariants_and_hands_back_all_but_one_arena()
    {
        foreach (var geometry in new[] { Geometry.Classic, TestHeaps.ModernWithPoolIndexOracle, Geometry.Tiny })
        {
            var ledger = new ArenaLedger();
            using var heap = TestHeaps.Create(geometry, ledger, arenaOffset: 32);
            var rng = new SplitMix64(1234);
            var live = new List<(ulong Address, ulong Size, ulong Tag)>();
            for (int step = 0; step < 6000; step++)
            {
                int roll = rng.NextInt(10);
                if (roll < 5 || live.Count == 0)
                {
                    ulong size = (ulong)rng.NextInt(1, geometry.SmallRequestThreshold + 64);
                    ulong p = heap.Malloc(size);
                    ulong tag = (ulong)(long)rng.Next();
                    heap.Memory.WriteUInt64(p, tag);
                    live.Add((p, size, tag));
                }
                else
                {
                    int i = rng.NextInt(live.Count);
                    var (p, size, tag) = live[i];
                    Assert.Equal(tag, heap.Memory.ReadUInt64(p));
                    if (roll < 8) { heap.Free(p); live.RemoveAt(i); }
                    else
                    {
                        ulong grown = (ulong)rng.NextInt(8, geometry.SmallRequestThreshold + 64);
                        live[i] = (heap.Realloc(p, grown), grown, tag);
                    }
                }
                if (step % 500 == 0) heap.CheckInvariants();
            }
            var blocks = live.Select(l => l.Address).Where(heap.IsOwned).OrderBy(a => a).ToList();
            for (int i = 1; i < blocks.Count; i++) Assert.True(blocks[i] != blocks[i - 1], "a block was handed out twice");
            AssertIdentity(heap.GetStats());
            foreach (var (p, _, tag) in live) { Assert.Equal(tag, heap.Memory.ReadUInt64(p)); heap.Free(p); }
            heap.CheckInvariants();
            Assert.Equal(1, heap.LiveArenaCount);
            Assert.Equal(ledger.Obtained.Count - 1, ledger.Released.Count);
            Assert.Equal(0, heap.GetStats().BlocksInUse);
        }
    }

    private static void AssertIdentity(HeapStats s) =>
        Assert.Equal(s.ArenaBytes, s.AllocatedBytes + s.AvailableBytes + s.UnusedPools * s.Geometry.PoolSize
                                   + s.PoolHeaderBytes + s.QuantizationBytes + s.ArenaAlignmentBytes);

    [Fact]
    public void A_block_realloc_moves_goes_back_to_its_pool()
    {
        using var heap = TestHeaps.Create(Geometry.Tiny, _ledger);
        ulong p = heap.Malloc(16);
        ulong moved = heap.Realloc(p, 48);
        Assert.NotEqual(p, moved);
        Assert.Equal(p, heap.Malloc(16));
    }

    [Fact]
    public void A_pool_that_fills_up_hands_the_head_of_its_list_to_the_next_pool()
    {
        using var heap = TestHeaps.Create(Geometry.Tiny, _ledger);
        var blocks = Enumerable.Range(0, 16).Select(_ => heap.Malloc(16)).ToList(); // A full, B with three
        heap.Free(blocks[0]);                                                       // A heads usedpools[0], then B
        ulong poolA = blocks[0] & ~255UL, poolB = blocks[15] & ~255UL;
        Assert.Equal(poolA, heap.UsedPoolHeads[0]);
        Assert.Equal(blocks[0], heap.Malloc(16));                                    // A is full again
        Assert.Equal(poolB, heap.UsedPoolHeads[0]);
        Assert.Equal(poolB, heap.Malloc(16) & ~255UL);
    }
}

/// <summary>Arenas of one usable pool (two pools, unaligned): found by the model-based properties.</summary>
public class OnePoolArenaTests
{
    private static readonly Geometry TwoPoolArenas = new()
    { Name = "two-pool", Alignment = 16, PoolSize = 256, ArenaSize = 512, SmallRequestThreshold = 64 };

    [Fact]
    public void A_full_one_pool_arena_that_empties_is_released_without_reading_its_stale_links()
    {
        var ledger = new ArenaLedger();
        using var heap = TestHeaps.Create(TwoPoolArenas, ledger, arenaOffset: 16);   // loses a pool: ntotalpools = 1
        ulong b0 = heap.Malloc(1), b1 = heap.Malloc(17), b2 = heap.Malloc(33);        // three arenas, each full
        Assert.Equal(1u, heap.ArenaTableSnapshot[0].NTotalPools);
        heap.Free(b0);
        heap.CheckInvariants();
        heap.Free(b1);
        heap.CheckInvariants();
        ulong b3 = heap.Realloc(b2, 1);
        heap.CheckInvariants();
        heap.Free(b3);
        heap.CheckInvariants();
        Assert.Equal(1, heap.LiveArenaCount);                                          // all but the last usable one back
        Assert.Equal(ledger.Obtained.Count - 1, ledger.Released.Count);
    }
}

public class TopOfAddressSpaceTests
{
    [Fact]
    public void An_arena_ending_at_two_to_the_64_keeps_its_invariants_and_stats()
    {
        var space = PymallocVerify.Allocator.Simulated.SimulatedAddressSpace.For(Geometry.Tiny);
        space.PlaceNextArenaAt(ulong.MaxValue - 1023);                                           // the last KiB below 2^64
        using var heap = new PymallocHeap<PymallocVerify.Allocator.Simulated.SimulatedMemorySpace, PoolIndexOracle, NoHooks>(
            Geometry.Tiny, new PymallocVerify.Allocator.Simulated.SimulatedMemorySpace(space));
        var blocks = Enumerable.Range(0, 52).Select(_ => heap.Malloc(16)).ToList();   // every pool of the arena carved
        ulong arena = heap.ArenaTableSnapshot[0].Address;
        Assert.Equal(0UL, arena + 1024);                                                // the arena ends at 2^64
        Assert.Equal(0UL, heap.ArenaTableSnapshot[0].PoolAddress);                      // the next-pool address wrapped
        heap.CheckInvariants();
        var stats = heap.GetStats();
        Assert.Equal(52L, stats.BlocksInUse);
        Assert.Equal(stats.ArenaBytes, stats.AllocatedBytes + stats.AvailableBytes + stats.UnusedPools * 256
                                       + stats.PoolHeaderBytes + stats.QuantizationBytes + stats.ArenaAlignmentBytes);
        foreach (ulong b in blocks) heap.Free(b);
        heap.CheckInvariants();
        Assert.Equal(0, space.ErrorCount);
    }
}
