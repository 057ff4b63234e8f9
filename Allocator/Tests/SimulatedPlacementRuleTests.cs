using PymallocVerify.Allocator.Simulated;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// The placement strategies' exact rules (which offsets each may produce, where the mmap cursor goes, what a request
/// that cannot be met says) on small geometries where every case is reachable.
/// </summary>
public class SimulatedPlacementRuleTests
{
    private const ulong Kib = 1024, ClassicArena = 256 * Kib, PageBytes = 4096;
    private const ulong Mmap = SimulatedAddressSpace.MmapRegionBase;
    private readonly SimulatedAddressSpace _space = SimulatedAddressSpace.For(Geometry.Classic);

    private static List<ulong> Arenas(SimulatedAddressSpace space, ArenaPlacement how, ulong size, int count)
    {
        var bases = new List<ulong>();
        for (int i = 0; i < count; i++)
        {
            space.PlaceNextArena(how);
            ulong at = space.AllocateArena(size);
            bases.Add(at);
            space.FreeArena(at, size);
        }
        return bases;
    }

    [Fact]
    public void Page_aligned_arenas_take_every_page_offset_in_their_slot_but_the_arena_boundary()
    {
        var classic = Arenas(SimulatedAddressSpace.For(Geometry.Classic, seed: 3), ArenaPlacement.PageAligned, ClassicArena, 600);
        Assert.Equal(Enumerable.Range(1, 63).Select(k => (ulong)k * PageBytes), classic.Select(a => a % ClassicArena).Distinct().Order());

        // Pools larger than a page: off every pool boundary, at each page offset within a pool.
        const ulong modernPool = 16 * Kib;
        var modern = Arenas(SimulatedAddressSpace.For(Geometry.Modern, seed: 3), ArenaPlacement.PageAligned, 1024 * Kib, 200);
        Assert.Equal([PageBytes, 2 * PageBytes, 3 * PageBytes], modern.Select(a => a % modernPool).Distinct().Order());

        // A page larger than an arena: the slot boundary itself, exactly where the cursor is.
        var tiny = Arenas(SimulatedAddressSpace.For(Geometry.Tiny, seed: 3), ArenaPlacement.PageAligned, 1024, 50);
        Assert.All(tiny, a => Assert.Equal(0UL, a % PageBytes));
        var pageOfOneArena = new SimulatedAddressSpace(new PlacementPolicy(Geometry.Tiny), pageSize: 1024);
        pageOfOneArena.PlaceNextArena(ArenaPlacement.PageAligned);
        Assert.Equal(Mmap, pageOfOneArena.AllocateArena(1024));
    }

    [Fact]
    public void Unaligned_arenas_are_16_byte_aligned_off_the_pool_boundary_at_many_offsets()
    {
        var classic = Arenas(SimulatedAddressSpace.For(Geometry.Classic, seed: 3), ArenaPlacement.Unaligned, ClassicArena, 600);
        Assert.All(classic, a => Assert.True(a % 16 == 0 && a % PageBytes != 0, $"0x{a:x}"));
        Assert.True(classic.Select(a => a % PageBytes).Distinct().Count() > 200);
    }

    [Fact]
    public void Pool_aligned_arenas_avoid_the_arena_boundary_even_when_a_page_holds_several_arenas()
    {
        var tiny = Arenas(SimulatedAddressSpace.For(Geometry.Tiny, seed: 3), ArenaPlacement.PoolAligned, 1024, 100);
        Assert.All(tiny, a => Assert.True(a % 256 == 0 && a % 1024 != 0, $"0x{a:x}"));
        Assert.True(tiny.Select(a => a % PageBytes).Distinct().Count() > 5);
    }

    [Fact]
    public void Blocks_below_one_arena_size_stay_below_it()
    {
        var space = SimulatedAddressSpace.For(Geometry.Tiny, seed: 3);
        var low = new List<ulong>();
        for (int i = 0; i < 400; i++)
        {
            space.PlaceNextSystemBlock(ForeignPlacement.BelowArenaSize);
            ulong at = space.SystemMalloc(16);
            low.Add(at);
            space.SystemFree(at);
        }
        Assert.All(low, a => Assert.True(a is >= 16 and < 1024 && a % 16 == 0, $"0x{a:x}"));
        Assert.True(low.Distinct().Count() > 50);
    }

    [Fact]
    public void Arena_aligned_mappings_leave_two_arenas_of_room_after_each()
    {
        Assert.Equal([Mmap, Mmap + 1024 * Kib, Mmap + 2048 * Kib], Arenas(_space, ArenaPlacement.ArenaAligned, ClassicArena, 3));
    }

    [Fact]
    public void A_taken_slot_is_skipped_by_the_size_of_the_mapping()
    {
        _space.PlaceNextSystemBlockAt(Mmap);
        _space.SystemMalloc(16);
        _space.PlaceNextArena(ArenaPlacement.ArenaAligned);
        Assert.Equal(Mmap + 512 * Kib, _space.AllocateArena(512 * Kib));
    }

    [Fact]
    public void Blocks_after_an_unmapped_gap_each_get_a_fresh_slot_past_the_previous_one()
    {
        _space.PlaceNextSystemBlock(ForeignPlacement.OwnPagesAfterGap);
        Assert.Equal(Mmap + PageBytes, _space.SystemMalloc(300 * Kib));
        _space.PlaceNextSystemBlock(ForeignPlacement.OwnPagesAfterGap);
        Assert.Equal(Mmap + 1024 * Kib + PageBytes, _space.SystemMalloc(64));
    }

    private static SimulatedAddressSpace WithTakenSlots(ulong first, ulong stride)
    {
        var space = SimulatedAddressSpace.For(Geometry.Classic);
        for (ulong k = 0; k < 640; k++)
        {
            space.PlaceNextSystemBlockAt(first + k * stride);
            space.SystemMalloc(16);
        }
        return space;
    }

    [Fact]
    public void A_region_searched_640_times_in_vain_gives_up_with_a_clear_message()
    {
        var mmap = WithTakenSlots(Mmap, ClassicArena);
        mmap.PlaceNextArena(ArenaPlacement.ArenaAligned);
        Assert.Equal("the simulated mmap region found no free slot (unexpected: it is 2^40 bytes wide)",
            Assert.Throws<InvalidOperationException>(() => mmap.AllocateArena(ClassicArena)).Message);

        var gap = WithTakenSlots(Mmap, ClassicArena);
        gap.PlaceNextSystemBlock(ForeignPlacement.OwnPagesAfterGap);
        Assert.Equal("cannot place the requested OwnPagesAfterGap system block of 64 bytes: no free spot (no anchor arena / released arena, or the range is taken)",
            Assert.Throws<InvalidOperationException>(() => gap.SystemMalloc(64)).Message);

        var heap = WithTakenSlots(SimulatedAddressSpace.HeapRegionBase + 16, 32);
        Assert.Equal("the simulated heap region found no free spot",
            Assert.Throws<InvalidOperationException>(() => heap.SystemMalloc(16)).Message);
    }

    [Fact]
    public void Each_allocation_says_how_it_was_placed()
    {
        var fallbacks = new SimulatedAddressSpace(new PlacementPolicy(Geometry.Classic)
        { ArenaChoices = [ArenaPlacement.DirectlyAfterArena], ForeignChoices = [ForeignPlacement.DirectlyBeforeArena] });
        fallbacks.SystemMalloc(8);
        Assert.Equal("Heap (fallback from DirectlyBeforeArena)", fallbacks.LastAllocation!.Placement);
        fallbacks.AllocateArena(ClassicArena);
        Assert.Equal("PageAligned (fallback from DirectlyAfterArena)", fallbacks.LastAllocation!.Placement);

        _space.PlaceNextArenaAt(0x100_0000);
        _space.AllocateArena(4096);
        Assert.Equal("at requested address", _space.LastAllocation!.Placement);
        _space.PlaceNextSystemBlockAt(0x200_0000);
        _space.SystemMalloc(8);
        Assert.Equal("at requested address", _space.LastAllocation!.Placement);
        _space.PlaceNextArena(ArenaPlacement.ArenaAligned);
        _space.AllocateArena(ClassicArena);
        Assert.Equal("ArenaAligned (requested)", _space.LastAllocation!.Placement);
        _space.PlaceNextSystemBlock(ForeignPlacement.Heap);
        _space.SystemMalloc(8);
        Assert.Equal("Heap (requested)", _space.LastAllocation!.Placement);
    }

    [Fact]
    public void Requests_that_cannot_be_met_say_which_and_why()
    {
        const string why = "no free spot (no anchor arena / released arena, or the range is taken)";
        _space.PlaceNextArena(ArenaPlacement.DirectlyAfterArena);
        Assert.Equal($"cannot place the requested DirectlyAfterArena arena of 262144 bytes: {why}",
            Assert.Throws<InvalidOperationException>(() => _space.AllocateArena(ClassicArena)).Message);
        _space.PlaceNextSystemBlock(ForeignPlacement.DirectlyAfterArena);
        Assert.Equal($"cannot place the requested DirectlyAfterArena system block of 8 bytes: {why}",
            Assert.Throws<InvalidOperationException>(() => _space.SystemMalloc(8)).Message);

        ulong p = _space.SystemMalloc(64);
        _space.PlaceNextArenaAt(p);
        Assert.Equal($"requested arena address 0x{p:x} (+262144) overlaps a live block or wraps",
            Assert.Throws<InvalidOperationException>(() => _space.AllocateArena(ClassicArena)).Message);
        _space.PlaceNextSystemBlock(ForeignPlacement.DirectlyBeforeArena, anchor: p);
        var notArena = Assert.Throws<ArgumentException>(() => _space.SystemMalloc(8));
        Assert.StartsWith($"anchor 0x{p:x} is not a live arena", notArena.Message);
        Assert.Equal("anchor", notArena.ParamName);

        _space.PlaceNextArena((ArenaPlacement)99);
        var arenaHow = Assert.Throws<ArgumentOutOfRangeException>(() => _space.AllocateArena(ClassicArena));
        Assert.StartsWith("unknown arena placement", arenaHow.Message);
        Assert.Equal("placement", arenaHow.ParamName);
        _space.PlaceNextSystemBlock((ForeignPlacement)99);
        var foreignHow = Assert.Throws<ArgumentOutOfRangeException>(() => _space.SystemMalloc(8));
        Assert.StartsWith("unknown foreign placement", foreignHow.Message);
        Assert.Equal("placement", foreignHow.ParamName);
    }

    [Fact]
    public void An_anchored_spot_that_is_taken_is_refused_not_shared()
    {
        _space.PlaceNextArenaAt(0x100_0000);
        ulong arena = _space.AllocateArena(4096);
        _space.PlaceNextSystemBlock(ForeignPlacement.DirectlyAfterArena, arena);
        Assert.Equal(arena + 4096, _space.SystemMalloc(16));
        _space.PlaceNextSystemBlock(ForeignPlacement.DirectlyAfterArena, arena);
        Assert.Throws<InvalidOperationException>(() => _space.SystemMalloc(16));

        _space.PlaceNextArenaAt(0x200_0000);
        ulong released = _space.AllocateArena(4096);
        _space.FreeArena(released, 4096);
        _space.PlaceNextSystemBlock(ForeignPlacement.InReleasedArena, released);
        Assert.Equal(released, _space.SystemMalloc(16));
        _space.PlaceNextSystemBlock(ForeignPlacement.InReleasedArena, released);
        Assert.Throws<InvalidOperationException>(() => _space.SystemMalloc(16));
    }

    [Fact]
    public void Reuse_of_a_released_arena_takes_the_most_recently_released_one()
    {
        ulong older = _space.AllocateArena(ClassicArena), newer = _space.AllocateArena(ClassicArena);
        _space.FreeArena(older, ClassicArena);
        _space.FreeArena(newer, ClassicArena);
        _space.PlaceNextSystemBlock(ForeignPlacement.InReleasedArena);
        Assert.Equal(newer, _space.SystemMalloc(64));
        _space.PlaceNextArena(ArenaPlacement.ReleasedArenaAddress);
        Assert.Equal(older, _space.AllocateArena(ClassicArena));
    }

    [Fact]
    public void After_an_arena_means_the_next_16_byte_boundary_past_its_last_byte()
    {
        _space.PlaceNextArenaAt(0x100_0000);
        ulong odd = _space.AllocateArena(17);
        _space.PlaceNextArena(ArenaPlacement.DirectlyAfterArena, odd);
        Assert.Equal(odd + 32, _space.AllocateArena(4096));

        _space.PlaceNextArenaAt(0x200_0000);
        ulong odder = _space.AllocateArena(33);
        _space.PlaceNextSystemBlock(ForeignPlacement.DirectlyAfterArena, odder);
        Assert.Equal(odder + 48, _space.SystemMalloc(16));
    }

    [Fact]
    public void Before_an_arena_needs_room_below_it_and_never_wraps()
    {
        _space.PlaceNextArenaAt(8);
        _space.AllocateArena(16);
        _space.PlaceNextSystemBlock(ForeignPlacement.DirectlyBeforeArena, 8);
        Assert.Throws<InvalidOperationException>(() => _space.SystemMalloc(1));
    }
}
