using PymallocVerify.Allocator.Simulated;

namespace PymallocVerify.Allocator.Tests;

/// <summary>The shadow-memory rules of the simulated space, each as memcheck keeps them.</summary>
public class SimulatedShadowMemoryTests
{
    private readonly SimulatedAddressSpace _space = SimulatedAddressSpace.For(Geometry.Classic);

    [Fact]
    public void New_system_memory_is_addressable_but_undefined_and_writes_define_it()
    {
        ulong p = _space.SystemMalloc(32);
        Assert.Equal(ShadowState.Undefined, _space.StateOf(p, 32));
        _space.ReadUInt64(p + 8);
        MemcheckError e = Assert.Single(_space.Errors);
        Assert.Equal((MemcheckErrorKind.UninitialisedValue, MemoryAccess.ReadUInt64, p + 8, 8UL), (e.Kind, e.Access, e.Address, e.Size));

        _space.ClearReports();
        _space.WriteUInt64(p + 8, 0xDEAD_BEEF_0BAD_F00D);
        Assert.Equal(0xDEAD_BEEF_0BAD_F00DUL, _space.ReadUInt64(p + 8));
        Assert.Equal(0xDEAD_BEEFu, _space.ReadUInt32(p + 12));
        Assert.Equal(ShadowState.Defined, _space.StateOf(p + 8, 8));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(p + 16));
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void A_partly_written_word_is_reported_at_its_first_undefined_byte()
    {
        ulong p = _space.SystemMalloc(16);
        _space.WriteUInt32(p, 7);
        Assert.Equal(7UL, _space.ReadUInt64(p)); // the value is still the stored bytes
        MemcheckError e = Assert.Single(_space.Errors);
        Assert.Equal(MemcheckErrorKind.UninitialisedValue, e.Kind);
        Assert.Equal(p + 4, e.BadAddress);
    }

    [Fact]
    public void Calloc_memory_is_defined_zero_even_over_stale_bytes()
    {
        ulong p = _space.SystemMalloc(64);
        _space.Fill(p, 0xAB, 64);
        _space.SystemFree(p);
        _space.PlaceNextSystemBlockAt(p);
        ulong q = _space.SystemCalloc(8, 8);
        Assert.Equal(p, q);
        Assert.Equal(0UL, _space.ReadUInt64(q + 56));
        Assert.Equal(ShadowState.Defined, _space.StateOf(q, 64));
        Assert.Empty(_space.Errors);
        Assert.Equal(0UL, _space.SystemCalloc(ulong.MaxValue, 2)); // overflow
    }

    [Fact]
    public void Freed_system_blocks_become_unaddressable_and_reads_are_invalid_with_a_defined_result()
    {
        ulong a = _space.SystemMalloc(48), b = _space.SystemMalloc(48); // same page: b keeps it mapped
        _space.WriteUInt64(a, 42);
        _space.SystemFree(a);
        Assert.Equal(ShadowState.Unaddressable, _space.StateOf(a, 48));
        Assert.Equal(42UL, _space.ReadUInt64(a)); // the bytes are still there, as in a real process
        MemcheckError e = Assert.Single(_space.Errors);
        Assert.Equal(MemcheckErrorKind.InvalidRead, e.Kind);
        Assert.Contains("freed at op #0", e.Description);
        _space.WriteUInt64(a, 1);
        Assert.Equal(MemcheckErrorKind.InvalidWrite, _space.Errors[^1].Kind);
        Assert.Equal(ShadowState.Unaddressable, _space.StateOf(a)); // a write does not make it addressable
        _space.SystemFree(b);
    }

    [Fact]
    public void The_bytes_between_heap_blocks_are_a_redzone()
    {
        ulong a = _space.SystemMalloc(20), b = _space.SystemMalloc(20);
        Assert.True(b - a >= 32 + _space.Policy.RedzoneBytes);
        Assert.Equal(ShadowState.Unaddressable, _space.StateOf(a + 20));
        Assert.Equal(ShadowState.Unaddressable, _space.StateOf(a - 1));
        _space.ReadUInt32(a + 18);
        MemcheckError e = Assert.Single(_space.Errors);
        Assert.Equal((MemcheckErrorKind.InvalidRead, a + 20), (e.Kind, e.BadAddress)); // the worst byte wins
        Assert.Contains("0 bytes after system block", e.Description);
    }

    [Fact]
    public void A_freed_arena_is_unmapped_and_reading_it_is_reported_not_fatal()
    {
        ulong arena = _space.AllocateArena(256 * 1024);
        _space.WriteUInt32(arena + 32, 5);
        _space.FreeArena(arena, 256 * 1024);
        Assert.False(_space.IsMapped(arena));
        Assert.Equal(0u, _space.ReadUInt32(arena + 32)); // unmapped bytes read as 0
        _space.WriteUInt32(arena + 32, 9);                // dropped
        Assert.Equal([MemcheckErrorKind.UnmappedRead, MemcheckErrorKind.UnmappedWrite], _space.Errors.Select(e => e.Kind));
        Assert.Contains("in no mapped page", _space.Errors[0].Description);
    }

    [Fact]
    public void Copy_carries_definedness_without_complaint_as_memcheck_does_for_memcpy()
    {
        ulong src = _space.SystemMalloc(32), dst = _space.SystemMalloc(32);
        _space.WriteUInt64(src, 1);
        _space.WriteUInt64(src + 16, 3);
        _space.Copy(dst, src, 32);
        Assert.Empty(_space.Errors);
        Assert.Equal(ShadowState.Defined, _space.StateOf(dst, 8));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(dst + 8, 8));
        Assert.Equal(ShadowState.Defined, _space.StateOf(dst + 16, 8));
        Assert.Equal(3UL, _space.ReadUInt64(dst + 16));
        _space.ReadUInt64(dst + 8);
        Assert.Equal(MemcheckErrorKind.UninitialisedValue, Assert.Single(_space.Errors).Kind);
    }

    [Fact]
    public void Copy_from_or_to_unaddressable_memory_is_an_invalid_read_or_write()
    {
        ulong src = _space.SystemMalloc(16), dst = _space.SystemMalloc(16);
        _space.Fill(src, 1, 16);
        _space.Copy(dst, src, 24); // 8 bytes past both blocks
        Assert.Equal(
            [(MemcheckErrorKind.InvalidRead, MemoryAccess.CopySource, src + 16), (MemcheckErrorKind.InvalidWrite, MemoryAccess.CopyDestination, dst + 16)],
            _space.Errors.Select(e => (e.Kind, e.Access, e.BadAddress)));
        Assert.Equal(ShadowState.Defined, _space.StateOf(dst, 16));
    }

    [Fact]
    public void Fill_defines_and_reports_bytes_outside_any_block()
    {
        ulong p = _space.SystemMalloc(10);
        _space.Fill(p, 0x5A, 10);
        Assert.Equal(0x5A5A_5A5Au, _space.ReadUInt32(p + 6) | 0); // p+6..p+9 are the last four bytes
        Assert.Empty(_space.Errors);
        _space.Fill(p, 0, 11);
        Assert.Equal((MemcheckErrorKind.InvalidWrite, MemoryAccess.Fill, p + 10), (_space.Errors[0].Kind, _space.Errors[0].Access, _space.Errors[0].BadAddress));
    }

    [Fact]
    public void Words_that_straddle_pages_read_and_write_like_any_other()
    {
        ulong p = _space.SystemMalloc(3 * 4096);
        ulong boundary = (p + 4096) & ~4095UL;
        _space.WriteUInt64(boundary - 3, 0x0102_0304_0506_0708);
        Assert.Equal(0x0102_0304_0506_0708UL, _space.ReadUInt64(boundary - 3));
        Assert.Equal(0x0506_0708u, _space.ReadUInt32(boundary - 3));
        Assert.Empty(_space.Errors);
        _space.ReadUInt32(boundary - 1 + 4); // 3 bytes undefined beyond the write
        Assert.Equal(MemcheckErrorKind.UninitialisedValue, Assert.Single(_space.Errors).Kind);
    }

    [Fact]
    public void Addresses_never_wrap_past_two_to_the_64()
    {
        _space.PlaceNextSystemBlock(ForeignPlacement.NearTop);
        ulong p = _space.SystemMalloc(16);
        Assert.True(p + 15 >= p && ulong.MaxValue - (p + 15) < 64);
        _space.WriteUInt64(ulong.MaxValue - 3, 1); // four bytes below 2^64, four that would wrap to 0
        Assert.Equal(1UL, _space.ReadUInt64(ulong.MaxValue - 3)); // the wrapped half reads as 0
        Assert.Equal([MemcheckErrorKind.UnmappedWrite, MemcheckErrorKind.UnmappedRead], _space.Errors.Select(e => e.Kind));
        Assert.Equal(0UL, _space.Errors[0].BadAddress); // "2^64", where nothing can be mapped
        Assert.False(_space.IsMapped(0));
        Assert.Equal(0UL, _space.ReadUInt64(0));
    }

    [Fact]
    public void Realloc_moves_keeps_the_prefix_and_its_definedness_and_retires_the_old_block()
    {
        ulong p = _space.SystemMalloc(16);
        _space.WriteUInt64(p, 77);
        ulong q = _space.SystemRealloc(p, 64);
        Assert.NotEqual(p, q);
        Assert.Equal(77UL, _space.ReadUInt64(q));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(q + 8, 8));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(q + 16, 48));
        Assert.NotEqual(ShadowState.Defined, _space.StateOf(p));
        Assert.Empty(_space.Errors);
        ulong r = _space.SystemRealloc(q, 4);
        Assert.Equal(ShadowState.Unaddressable, _space.StateOf(r + 4));
        Assert.Equal(77u, _space.ReadUInt32(r));
        _space.FailSystemAllocations = 1;
        Assert.Equal(0UL, _space.SystemRealloc(r, 100));
        Assert.Equal(77u, _space.ReadUInt32(r)); // a failed realloc leaves the block alone
    }

    [Fact]
    public void Bad_frees_are_reported_and_change_nothing()
    {
        ulong p = _space.SystemMalloc(16);
        ulong arena = _space.AllocateArena(256 * 1024);
        _space.SystemFree(p + 8);          // interior pointer
        _space.SystemFree(arena);          // an arena through free()
        _space.FreeArena(p, 256 * 1024);   // a block through the arena release
        _space.FreeArena(arena, 4096);     // wrong size
        _space.SystemFree(p);
        _space.SystemFree(p);              // double free
        _space.SystemFree(0);              // free(NULL) is fine
        Assert.Equal(
            [MemcheckErrorKind.InvalidFree, MemcheckErrorKind.MismatchedFree, MemcheckErrorKind.MismatchedFree,
             MemcheckErrorKind.InvalidFree, MemcheckErrorKind.InvalidFree],
            _space.Errors.Select(e => e.Kind));
        Assert.Contains(_space.LiveArenas, a => a.Base == arena);
        Assert.Equal(0UL, _space.SystemRealloc(arena, 8));
        Assert.Equal(MemcheckErrorKind.MismatchedFree, _space.Errors[^1].Kind);
    }

    [Fact]
    public void Client_requests_change_the_shadow_of_mapped_bytes_only()
    {
        ulong p = _space.SystemMalloc(32);
        _space.MarkDefined(p, 8);
        Assert.Equal(ShadowState.Defined, _space.StateOf(p, 8));
        _space.MarkNoAccess(p + 8, 8);
        Assert.Equal(ShadowState.Unaddressable, _space.StateOf(p + 8));
        _space.MarkUndefined(p, 4);
        Assert.Equal(ShadowState.Undefined, _space.StateOf(p));
        _space.MarkDefined(0x10, 16); // unmapped: nothing happens
        Assert.False(_space.IsMapped(0x10));
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void Storage_is_sparse_until_bytes_are_touched()
    {
        var modern = SimulatedAddressSpace.For(Geometry.Modern);
        var arenas = Enumerable.Range(0, 100).Select(_ => modern.AllocateArena(1 << 20)).ToList();
        SimulatedSpaceStats stats = modern.GetStats();
        Assert.Equal((100, 100 * 256, 0), (stats.LiveArenas, stats.MappedPages, stats.PagesWithData));
        foreach (ulong a in arenas) modern.WriteUInt64(a + 40_000, 1);
        Assert.Equal(100, modern.GetStats().PagesWithData);
        foreach (ulong a in arenas.Skip(1)) modern.FreeArena(a, 1 << 20);
        // One live arena, plus the few released ones whose bytes are kept for reuse as foreign blocks.
        Assert.Equal((1 + SimulatedAddressSpace.RetainedReleasedArenas) * 256, modern.GetStats().StoredPages);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(8)]
    [InlineData(3000)]
    public void The_page_size_must_be_a_power_of_two_of_at_least_16(int pageSize) =>
        Assert.Throws<ArgumentException>(() => new SimulatedAddressSpace(new PlacementPolicy(Geometry.Classic), pageSize));

    [Fact]
    public void A_default_memory_space_refuses_to_work_with_a_clear_message()
    {
        SimulatedMemorySpace none = default;
        var e = Assert.Throws<InvalidOperationException>(() => none.SystemMalloc(8));
        Assert.Contains("new SimulatedMemorySpace(space)", e.Message);
    }
}
