using PymallocVerify.Allocator.Simulated;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// The simulated libc: size limits, calloc's overflow check and zeroing, realloc and free of bad pointers, block
/// numbering, which pages are kept after a release, and what a boundary listener hears.
/// </summary>
public class SimulatedSystemAllocatorTests
{
    private const ulong ClassicArena = 256 * 1024, PageBytes = 4096;
    private readonly SimulatedAddressSpace _space = SimulatedAddressSpace.For(Geometry.Classic);

    [Fact]
    public void Sizes_from_one_byte_to_the_maximum_are_served_and_zero_or_larger_is_refused_for_arenas()
    {
        const ulong max = SimulatedAddressSpace.MaxAllocationBytes;
        Assert.Equal((0UL, 0UL), (_space.AllocateArena(0), _space.AllocateArena(max + 1)));
        ulong arena = _space.AllocateArena(max);
        Assert.NotEqual(0UL, arena);
        _space.FreeArena(arena, max);
        ulong block = _space.SystemMalloc(max);
        Assert.NotEqual(0UL, block);
        _space.SystemFree(block);
        Assert.Equal(1UL, _space.FindLive(_space.SystemMalloc(0))!.Size); // malloc(0) is a unique 1-byte block
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void Calloc_of_zero_items_is_a_block_and_an_overflowing_product_is_refused()
    {
        ulong none = _space.SystemCalloc(0, 8);
        Assert.Equal(1UL, _space.FindLive(none)!.Size);
        Assert.Equal(0UL, _space.SystemCalloc(1UL << 63, 4));
        Assert.Equal(0UL, _space.SystemCalloc(4, 1UL << 63));
    }

    [Fact]
    public void Calloc_in_a_released_arena_zeroes_every_page_it_covers_and_nothing_past_its_end()
    {
        ulong arena = _space.AllocateArena(ClassicArena);
        _space.Fill(arena, 0x5A, ClassicArena);
        _space.FreeArena(arena, ClassicArena);
        _space.PlaceNextSystemBlock(ForeignPlacement.InReleasedArena);
        ulong block = _space.SystemCalloc(1, ClassicArena - 100);
        Assert.Equal(arena, block);
        Assert.Equal((0UL, 0UL), (_space.ReadUInt64(block + 32), _space.ReadUInt64(block + 10 * PageBytes + 32)));
        Assert.Equal(0UL, _space.ReadUInt64(block + ClassicArena - 108));
        Assert.Equal(0x5A5A_5A5Au, _space.PeekUInt32(block + ClassicArena - 50)); // past the block: stale, as the arena left it
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void Realloc_and_free_of_pointers_the_space_never_gave_are_invalid_frees()
    {
        _space.SystemRealloc(0x1234, 8);
        _space.FreeArena(0x1234, 4096);
        Assert.Equal(
            [(MemcheckErrorKind.InvalidFree, MemoryAccess.SystemRealloc, 0x1234UL, 8UL), (MemcheckErrorKind.InvalidFree, MemoryAccess.FreeArena, 0x1234UL, 4096UL)],
            _space.Errors.Select(e => (e.Kind, e.Access, e.Address, e.Size)));
        Assert.Empty(_space.LiveAllocations);
    }

    [Fact]
    public void Realloc_makes_unaddressable_bytes_of_the_old_block_undefined_in_the_new_one()
    {
        ulong p = _space.SystemMalloc(16);
        _space.Fill(p, 1, 16);
        _space.MarkNoAccess(p + 4, 4);
        ulong q = _space.SystemRealloc(p, 16);
        Assert.Equal(ShadowState.Defined, _space.StateOf(q, 4));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(q + 4, 4));
        Assert.Equal(ShadowState.Defined, _space.StateOf(q + 8, 8));
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void Blocks_and_arenas_are_numbered_in_the_order_they_are_handed_out()
    {
        ulong a = _space.SystemMalloc(8), arena = _space.AllocateArena(ClassicArena), b = _space.SystemCalloc(1, 8);
        Assert.Equal([1L, 2L, 3L], new[] { a, arena, b }.Select(x => _space.FindLive(x)!.Id));
        Assert.StartsWith("arena #2 [0x", _space.FindLive(arena)!.ToString());
        Assert.Same(_space.FindLive(b), _space.LastAllocation);
    }

    [Fact]
    public void Released_pages_are_dropped_unless_a_recently_released_arena_holds_them()
    {
        ulong arena = _space.AllocateArena(ClassicArena);
        _space.FreeArena(arena, ClassicArena);
        int arenaPages = (int)(ClassicArena / PageBytes);
        Assert.Equal((0, arenaPages), (_space.GetStats().MappedPages, _space.GetStats().StoredPages));

        ulong big = _space.SystemMalloc(200 * 1024); // own pages in the mmap region, above the released arena
        ulong small = _space.SystemMalloc(16);
        Assert.Equal(arenaPages + 50 + 1, _space.GetStats().StoredPages);
        _space.SystemFree(big);
        _space.SystemFree(small);
        Assert.Equal(arenaPages, _space.GetStats().StoredPages);
    }

    [Fact]
    public void The_last_64_freed_blocks_are_remembered_for_reports()
    {
        var blocks = Enumerable.Range(0, 65).Select(_ => _space.SystemMalloc(16)).ToList();
        foreach (ulong b in blocks.Take(64)) _space.SystemFree(b);
        Assert.Contains("inside system block #1 ", _space.Describe(blocks[0]));
        _space.SystemFree(blocks[64]);
        Assert.Equal("is in no mapped page", _space.Describe(blocks[0]));
        Assert.Contains("inside system block #2 ", _space.Describe(blocks[1]));
    }

    [Fact]
    public void A_placement_must_not_wrap_past_two_to_the_64_but_may_end_there()
    {
        _space.PlaceNextSystemBlockAt(ulong.MaxValue - 7);
        Assert.Equal($"requested block address 0x{ulong.MaxValue - 7:x} (+16) overlaps a live block or wraps",
            Assert.Throws<InvalidOperationException>(() => _space.SystemMalloc(16)).Message);
        _space.PlaceNextSystemBlockAt(ulong.MaxValue - 15);
        Assert.Equal(ulong.MaxValue - 15, _space.SystemMalloc(16));
        Assert.StartsWith("address 0 means \"no block\"; it cannot be a placement",
            Assert.Throws<ArgumentException>(() => _space.PlaceNextArenaAt(0)).Message);
    }

    [Theory]
    [InlineData(0UL)]
    [InlineData(1UL)]
    [InlineData(2UL)]
    [InlineData(3UL)]
    public void A_block_before_an_arena_skips_an_arena_with_no_room_below_it(ulong seed)
    {
        var space = SimulatedAddressSpace.For(Geometry.Classic, seed);
        space.PlaceNextArenaAt(16);
        space.AllocateArena(4096);                     // nothing 16-aligned fits below it
        ulong arena = space.AllocateArena(ClassicArena);
        space.PlaceNextSystemBlock(ForeignPlacement.DirectlyBeforeArena);
        Assert.Equal(arena - 16, space.SystemMalloc(16));
    }

    private sealed class BoundaryLog : ISystemBoundaryListener
    {
        public List<string> Heard { get; } = [];
        public void ArenaObtained(ulong arenaBase, ulong size) => Heard.Add($"arena {arenaBase:x} {size}");
        public void ArenaReturned(ulong arenaBase) => Heard.Add($"return {arenaBase:x}");
        public void SystemMalloc(ulong block, ulong size) => Heard.Add($"malloc {block:x} {size}");
        public void SystemCalloc(ulong block, ulong count, ulong size) => Heard.Add($"calloc {block:x} {count} {size}");
        public void SystemRealloc(ulong oldBlock, ulong newBlock, ulong size) => Heard.Add($"realloc {oldBlock:x} {newBlock:x} {size}");
        public void SystemFree(ulong block, bool known) => Heard.Add($"free {block:x} {known}");
    }

    [Fact]
    public void A_boundary_listener_hears_every_system_call_and_whether_a_freed_pointer_was_handed_out()
    {
        var log = new BoundaryLog();
        var memory = new SimulatedMemorySpace(_space, log);
        _space.FailArenaAllocations = 1;
        Assert.Equal(0UL, memory.AllocateArena(ClassicArena)); // a failed arena is not heard
        ulong arena = memory.AllocateArena(ClassicArena);
        memory.FreeArena(arena, ClassicArena);
        ulong m = memory.SystemMalloc(8), c = memory.SystemCalloc(2, 8), r = memory.SystemRealloc(m, 32);
        memory.SystemFree(c + 8);
        memory.SystemFree(arena);
        memory.SystemFree(c);
        Assert.Equal(
            [$"arena {arena:x} {ClassicArena}", $"return {arena:x}", $"malloc {m:x} 8", $"calloc {c:x} 2 8", $"realloc {m:x} {r:x} 32",
             $"free {c + 8:x} False", $"free {arena:x} False", $"free {c:x} True"],
            log.Heard);
        Assert.Same(_space, memory.Space);
        Assert.Throws<ArgumentNullException>(() => new SimulatedMemorySpace(null!));
    }
}
