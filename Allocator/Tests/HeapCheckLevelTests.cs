using PymallocVerify.Allocator;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// The check levels: Full stops at the mutation that broke a rule and names it, Pointers only vets the pointers a
/// caller hands in, Off checks nothing. Each test corrupts one structure by hand, as a wild write would.
/// </summary>
public class HeapCheckLevelTests
{
    private static PymallocHeap<TestArenaMemory, PoolIndexOracle, NoHooks> Heap(HeapCheckLevel checks) =>
        TestHeaps.Create(Geometry.Tiny, new ArenaLedger(), checks: checks);

    /// <summary>Two used pools of class 0 (13 blocks of 16 bytes fill a Tiny pool): A full, B with three blocks.</summary>
    private static List<ulong> FillOnePoolAndStartAnother(PymallocHeap<TestArenaMemory, PoolIndexOracle, NoHooks> heap) =>
        Enumerable.Range(0, 16).Select(_ => heap.Malloc(16)).ToList();

    /// <summary>A wild write into the second pool's header: it holds 3 blocks, its count now says 7.</summary>
    private static void MiscountSecondPool(PymallocHeap<TestArenaMemory, PoolIndexOracle, NoHooks> heap, List<ulong> blocks) =>
        heap.Memory.WriteUInt32((blocks[15] & ~255UL) + PoolHeader.Count, 7);

    [Fact]
    public void Full_names_the_free_after_which_a_pool_count_no_longer_matches_its_free_list()
    {
        using var heap = Heap(HeapCheckLevel.Full);
        List<ulong> blocks = FillOnePoolAndStartAnother(heap);
        MiscountSecondPool(heap, blocks);

        var broken = Assert.Throws<HeapInvariantException>(() => heap.Free(blocks[0]));
        Assert.Equal("pool-count", broken.Invariant);
        Assert.StartsWith($"after Free(0x{blocks[0]:x}):", broken.Detail);
    }

    [Fact]
    public void Off_and_Pointers_let_the_same_corruption_pass_silently()
    {
        foreach (HeapCheckLevel level in new[] { HeapCheckLevel.Off, HeapCheckLevel.Pointers })
        {
            using var heap = Heap(level);
            List<ulong> blocks = FillOnePoolAndStartAnother(heap);
            MiscountSecondPool(heap, blocks);
            heap.Free(blocks[0]);
            Assert.Throws<HeapInvariantException>(heap.CheckInvariants);
        }
    }

    [Fact]
    public void Pointers_stops_at_the_mutation_site_that_takes_a_live_slot_from_the_unused_list()
    {
        using var heap = Heap(HeapCheckLevel.Pointers);
        heap.Malloc(64);                                  // arena 0 in slot 0; slots 1..15 on the unused list
        heap.ArenaTableSnapshot[1].Address = 0x1000;      // a wild write into the next unused slot
        // Three 64-byte blocks per pool, four pools: the thirteenth 64-byte block needs a second arena.
        var broken = Assert.Throws<HeapInvariantException>(() => { for (int i = 0; i < 12; i++) heap.Malloc(64); });
        heap.ArenaTableSnapshot[1].Address = 0; // so that Dispose does not hand the made-up arena back
        Assert.Equal("unused-list", broken.Invariant);
        Assert.Contains("slot 1 on the unused list still holds arena 0x1000", broken.Detail);
    }

    [Fact]
    public void Full_names_the_malloc_right_after_the_wild_write_into_the_arena_table()
    {
        using var heap = Heap(HeapCheckLevel.Full);
        heap.Malloc(64);
        heap.ArenaTableSnapshot[1].Address = 0x1000;
        var broken = Assert.Throws<HeapInvariantException>(() => heap.Malloc(64));
        heap.ArenaTableSnapshot[1].Address = 0;
        Assert.Equal("unused-list", broken.Invariant);
        Assert.StartsWith("after Malloc(64) = 0x", broken.Detail);
    }

    [Fact]
    public void Off_takes_the_live_slot_without_a_word()
    {
        using var heap = Heap(HeapCheckLevel.Off);
        heap.Malloc(64);
        heap.ArenaTableSnapshot[1].Address = 0x1000;
        for (int i = 0; i < 12; i++) heap.Malloc(64); // the new arena overwrites the slot's address
        Assert.NotEqual(0x1000UL, heap.ArenaTableSnapshot[1].Address);
    }

    [Fact]
    public void Pointers_and_Full_refuse_a_double_free_and_Off_does_not_look()
    {
        foreach (HeapCheckLevel level in new[] { HeapCheckLevel.Pointers, HeapCheckLevel.Full })
        {
            using var heap = Heap(level);
            ulong a = heap.Malloc(16), b = heap.Malloc(16);
            heap.Free(a);
            var misuse = Assert.Throws<HeapMisuseException>(() => heap.Free(a));
            Assert.Contains("double free", misuse.Message);
            heap.Free(b);
        }
        using var unchecked_ = Heap(HeapCheckLevel.Off);
        ulong c = unchecked_.Malloc(16);
        unchecked_.Malloc(16);
        unchecked_.Free(c);
        unchecked_.Free(c); // CPython's behaviour: the block is on the free list twice
        Assert.Throws<HeapInvariantException>(unchecked_.CheckInvariants);
    }

    [Fact]
    public void Off_stops_a_pool_that_empties_twice_before_its_arena_counts_more_free_pools_than_it_has()
    {
        using var heap = Heap(HeapCheckLevel.Off);
        ulong a = heap.Malloc(16);
        ulong pool = a & ~255UL;
        heap.Free(a); // the pool empties: all 4 of the arena's pools are free, and it is kept as the last usable one
        Assert.Equal((1, 4u), (heap.LiveArenaCount, heap.ArenaTableSnapshot[0].NFreePools));
        heap.Memory.WriteUInt32(pool + PoolHeader.Count, 1); // its count overwritten, as a wild write would
        var broken = Assert.Throws<HeapInvariantException>(() => heap.Free(a));
        Assert.Equal(("arena-nfreepools", $"pool 0x{pool:x} emptied, but arena 0 already has all 4 pools free: pool memory was overwritten"),
            (broken.Invariant, broken.Detail));
    }

    [Fact]
    public void An_undefined_level_is_refused() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => Heap((HeapCheckLevel)7));

    [Fact]
    public void Full_names_a_calloc_and_a_realloc_after_which_a_rule_is_broken()
    {
        using var heap = Heap(HeapCheckLevel.Full);
        List<ulong> blocks = FillOnePoolAndStartAnother(heap);
        MiscountSecondPool(heap, blocks);
        var calloc = Assert.Throws<HeapInvariantException>(() => heap.Calloc(2, 8));
        Assert.Matches("^after Calloc\\(2, 8\\) = 0x[0-9a-f]+: pool 0x", calloc.Detail);
        var realloc = Assert.Throws<HeapInvariantException>(() => heap.Realloc(blocks[1], 16)); // fits: stays in place
        Assert.StartsWith($"after Realloc(0x{blocks[1]:x}, 16) = 0x{blocks[1]:x}: pool 0x", realloc.Detail);
    }

    [Fact]
    public void Off_and_Pointers_let_calloc_and_realloc_pass_over_a_broken_rule()
    {
        foreach (HeapCheckLevel level in new[] { HeapCheckLevel.Off, HeapCheckLevel.Pointers })
        {
            using var heap = Heap(level);
            List<ulong> blocks = FillOnePoolAndStartAnother(heap);
            MiscountSecondPool(heap, blocks);
            Assert.NotEqual(0UL, heap.Calloc(2, 8));
            Assert.Equal(blocks[1], heap.Realloc(blocks[1], 16));
        }
    }

    [Fact]
    public void Pointers_refuses_a_double_free_deep_in_the_free_list()
    {
        using var heap = Heap(HeapCheckLevel.Pointers);
        List<ulong> blocks = FillOnePoolAndStartAnother(heap);
        foreach (ulong b in blocks.Take(3)) heap.Free(b); // pool A's free list: blocks 2, 1, 0
        var misuse = Assert.Throws<HeapMisuseException>(() => heap.Free(blocks[0]));
        Assert.Contains("double free", misuse.Message);
    }

    [Fact]
    public void Pointers_refuses_a_pointer_into_a_pool_whose_size_class_is_out_of_range()
    {
        using var heap = Heap(HeapCheckLevel.Pointers);
        ulong p = heap.Malloc(16);
        heap.Memory.WriteUInt32((p & ~255UL) + PoolHeader.SizeClass, 4); // Tiny has classes 0..3
        var misuse = Assert.Throws<HeapMisuseException>(() => heap.Free(p));
        Assert.Contains("the pointer lies in a pool that holds no live block", misuse.Message);
    }

    [Fact]
    public void Pointers_refuses_to_carve_past_the_end_of_an_arena()
    {
        using var heap = Heap(HeapCheckLevel.Pointers);
        heap.Malloc(16);                                  // one pool carved of four; its arena heads usable_arenas
        ref ArenaObject arena = ref heap.ArenaTableSnapshot[0];
        arena.PoolAddress = arena.Address + 1024;          // a wild write: every pool looks carved
        ulong address = arena.Address;
        var broken = Assert.Throws<HeapInvariantException>(() => heap.Malloc(48)); // a class with no used pool: carve
        Assert.Equal(("arena-pool-address", $"arena 0 at 0x{address:x} has no never-used pool left to carve (next 0x{address + 1024:x})"),
            (broken.Invariant, broken.Detail));
        arena.PoolAddress = address + 256;
    }

    [Fact]
    public void Pointers_stops_an_arena_being_moved_right_when_its_links_say_it_is_last()
    {
        using var heap = Heap(HeapCheckLevel.Pointers);
        var blocks = Enumerable.Range(0, 24).Select(_ => heap.Malloc(64)).ToList(); // 3 per pool: arenas 0 and 1 full
        foreach (ulong b in blocks.Skip(12).Take(3)) heap.Free(b); // arena 1: one free pool
        foreach (ulong b in blocks.Take(3)) heap.Free(b);          // arena 0: one free pool, heads usable_arenas
        heap.CheckInvariants();
        heap.ArenaTableSnapshot[0].NextArena = -1;                 // a wild write: arena 0 looks last
        heap.Free(blocks[3]);
        heap.Free(blocks[4]);
        var broken = Assert.Throws<HeapInvariantException>(() => heap.Free(blocks[5])); // the pool empties: move arena 0 right of 1
        Assert.Equal(("usable-arenas", $"arena 0x{heap.ArenaTableSnapshot[0].Address:x} is unlinked as if it were not last, but it is"),
            (broken.Invariant, broken.Detail));
    }
}
