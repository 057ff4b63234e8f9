using PymallocVerify.Allocator.Simulated;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// Every access path of the simulated space (the per-word fast paths, the byte-wise slow paths, chunked Fill and
/// Copy, ranges that end at 2^64) gives memcheck's answer, on pages in each of their shadow layouts.
/// </summary>
public class SimulatedAccessPathTests
{
    private const ulong PageBytes = 4096;
    private const ulong Top = ulong.MaxValue - PageBytes + 1; // the last page below 2^64
    private readonly SimulatedAddressSpace _space = SimulatedAddressSpace.For(Geometry.Classic);

    private ulong BlockAt(ulong address, ulong size)
    {
        _space.PlaceNextSystemBlockAt(address);
        return _space.SystemMalloc(size);
    }

    private static byte[] Pattern(int length) => [.. Enumerable.Range(0, length).Select(i => (byte)(i * 7 % 251 + 1))];

    private byte[] Bytes(ulong address, int length)
    {
        byte[] bytes = new byte[length];
        _space.ReadBytes(address, bytes);
        return bytes;
    }

    private (MemcheckErrorKind, MemoryAccess, ulong)[] Reported() =>
        [.. _space.Errors.Select(e => (e.Kind, e.Access, e.BadAddress))];

    [Fact]
    public void Statistics_count_every_read_write_and_live_byte()
    {
        ulong p = _space.SystemMalloc(64), q = _space.SystemMalloc(100);
        _space.ReadUInt64(p);
        _space.ReadUInt32(p);
        _space.ReadArenaIndex(p);
        _space.ReadBytes(p, new byte[4]);
        _space.WriteUInt64(p, 1);
        _space.WriteUInt32(p, 1);
        _space.WriteBytes(p, [1, 2]);
        _space.Fill(p, 0, 8);
        _space.Copy(q, p, 8);
        SimulatedSpaceStats stats = _space.GetStats();
        Assert.Equal((5L, 5L, 1L, 164UL, 2), (stats.Reads, stats.Writes, stats.ArenaIndexReads, stats.LiveBytes, stats.LiveSystemBlocks));
        Assert.Equal((stats.Errors, stats.SuppressedReads), (_space.ErrorCount, _space.SuppressedReadCount));
    }

    [Fact]
    public void Words_in_pages_of_one_shadow_byte_and_in_pages_of_mixed_shadow_are_checked_alike()
    {
        ulong b = BlockAt(0x1000_0000, 4 * PageBytes); // four whole pages, each one undefined shadow byte
        ulong undefinedPage = b, definedPage = b + PageBytes, mixedPage = b + 2 * PageBytes, noAccessPage = b + 3 * PageBytes;

        _space.WriteUInt64(undefinedPage + 8, 0x1122_3344_5566_7788); // defines these 8 bytes only
        Assert.Equal(0x1122_3344_5566_7788UL, _space.ReadUInt64(undefinedPage + 8));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(undefinedPage + 16));
        _space.WriteUInt32(undefinedPage + 64, 0xABCD);
        Assert.Equal(0xABCDu, _space.ReadUInt32(undefinedPage + 64));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(undefinedPage + 68));

        _space.Fill(definedPage, 0x42, PageBytes); // the whole page becomes one "defined" shadow byte
        Assert.Equal(0x4242_4242_4242_4242UL, _space.ReadUInt64(definedPage + 16));
        Assert.Equal(0x4242_4242u, _space.ReadUInt32(definedPage + 20));
        Assert.Equal(0x4242_4242u, _space.ReadArenaIndex(definedPage + 24));
        Assert.Empty(_space.SuppressedReads);

        _space.Fill(mixedPage, 0x17, PageBytes);
        _space.MarkUndefined(mixedPage + 64, 8);   // a defined page with a few undefined bytes
        _space.MarkNoAccess(mixedPage + 128, 16);  // and a few unaddressable ones
        _space.MarkNoAccess(noAccessPage, PageBytes);
        Assert.Empty(_space.Errors);

        _space.ReadUInt64(mixedPage + 64);
        _space.ReadUInt32(mixedPage + 68);
        _space.WriteUInt64(mixedPage + 128, 1);
        _space.WriteUInt32(mixedPage + 136, 1);
        _space.WriteBytes(mixedPage + 140, [1, 2]);
        _space.WriteUInt64(noAccessPage + 8, 1);
        _space.WriteUInt32(noAccessPage + 16, 1);
        _space.WriteBytes(noAccessPage + 24, [1, 2, 3]);
        Assert.Equal(
            [
                (MemcheckErrorKind.UninitialisedValue, MemoryAccess.ReadUInt64, mixedPage + 64),
                (MemcheckErrorKind.UninitialisedValue, MemoryAccess.ReadUInt32, mixedPage + 68),
                (MemcheckErrorKind.InvalidWrite, MemoryAccess.WriteUInt64, mixedPage + 128),
                (MemcheckErrorKind.InvalidWrite, MemoryAccess.WriteUInt32, mixedPage + 136),
                (MemcheckErrorKind.InvalidWrite, MemoryAccess.WriteBytes, mixedPage + 140),
                (MemcheckErrorKind.InvalidWrite, MemoryAccess.WriteUInt64, noAccessPage + 8),
                (MemcheckErrorKind.InvalidWrite, MemoryAccess.WriteUInt32, noAccessPage + 16),
                (MemcheckErrorKind.InvalidWrite, MemoryAccess.WriteBytes, noAccessPage + 24),
            ],
            Reported());
        Assert.Equal(ShadowState.Unaddressable, _space.StateOf(noAccessPage, (int)PageBytes)); // writes never make bytes addressable
        Assert.Equal(ShadowState.Unaddressable, _space.StateOf(mixedPage + 128, 16));
    }

    [Fact]
    public void Fresh_calloc_memory_reads_as_zero_on_every_path()
    {
        ulong p = _space.SystemCalloc(4, 16);
        Assert.Equal((0UL, 0u, 0u), (_space.ReadUInt64(p + 8), _space.ReadUInt32(p + 4), _space.ReadArenaIndex(p + 12)));
        Assert.Equal(0UL, _space.PeekUInt64(p + 16));
        Assert.Empty(_space.Errors);
        Assert.Empty(_space.SuppressedReads);
    }

    [Fact]
    public void Peeking_reads_stored_bytes_whatever_their_state_and_reports_nothing()
    {
        ulong p = _space.SystemMalloc(16);
        _space.WriteUInt64(p + 8, 0x0102_0304_0506_0708);
        _space.MarkUndefined(p + 8, 8);
        Assert.Equal(0x0102_0304_0506_0708UL, _space.PeekUInt64(p + 8));
        Assert.Equal(0x0506_0708u, _space.PeekUInt32(p + 8));
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void Words_read_from_a_page_of_one_undefined_or_unaddressable_shadow_byte_are_reported()
    {
        ulong b = BlockAt(0x1000_0000, 2 * PageBytes); // two whole pages, each one undefined shadow byte
        ulong noAccessPage = b + PageBytes;
        _space.MarkNoAccess(noAccessPage, PageBytes);
        _space.ReadUInt64(b + 8);
        _space.ReadUInt32(b + 16);
        _space.ReadUInt64(noAccessPage + 8);
        _space.ReadUInt32(noAccessPage + 16);
        Assert.Equal(
            [
                (MemcheckErrorKind.UninitialisedValue, MemoryAccess.ReadUInt64, b + 8),
                (MemcheckErrorKind.UninitialisedValue, MemoryAccess.ReadUInt32, b + 16),
                (MemcheckErrorKind.InvalidRead, MemoryAccess.ReadUInt64, noAccessPage + 8),
                (MemcheckErrorKind.InvalidRead, MemoryAccess.ReadUInt32, noAccessPage + 16),
            ],
            Reported());
    }

    [Fact]
    public void Index_reads_and_32_bit_writes_that_straddle_two_pages_work_like_any_other()
    {
        ulong b = BlockAt(0x1000_0000, 2 * PageBytes);
        ulong straddle = b + PageBytes - 2;
        _space.WriteUInt32(straddle, 0xAABB_CCDD);
        Assert.Equal(0xAABB_CCDDu, _space.ReadUInt32(straddle));
        Assert.Equal(0xAABB_CCDDu, _space.ReadArenaIndex(straddle));
        Assert.Equal(ShadowState.Defined, _space.StateOf(straddle, 4));
        Assert.Empty(_space.Errors);
        Assert.Empty(_space.SuppressedReads);
    }

    /// <summary>
    /// A word that starts one byte too late to fit in its page (7 bytes before the end for 64 bits, 3 for 32) goes the
    /// slow way on every access path: a fast path that took it would run past the page's arrays.
    /// </summary>
    [Fact]
    public void Words_that_start_one_byte_too_late_to_fit_in_a_page_cross_it_on_every_access_path()
    {
        ulong b = BlockAt(0x1000_0000, 2 * PageBytes);
        ulong wide = b + PageBytes - 7, narrow = b + PageBytes - 3;
        _space.Fill(b + PageBytes / 2, 0x5A, PageBytes); // both pages hold bytes, so a fast path reading past one throws
        _space.WriteUInt64(wide, 0x1122_3344_5566_7788);
        Assert.Equal(0x1122_3344_5566_7788UL, _space.ReadUInt64(wide));
        Assert.Equal(0x88u, Bytes(wide, 1)[0]);
        Assert.Equal(0x11u, Bytes(b + PageBytes, 1)[0]); // the last byte lies in the second page
        _space.WriteUInt32(narrow, 0xAABB_CCDD);
        Assert.Equal(0xAABB_CCDDu, _space.ReadUInt32(narrow));
        Assert.Equal(0xAABB_CCDDu, _space.ReadArenaIndex(narrow));
        Assert.Equal(0xAAu, Bytes(b + PageBytes, 1)[0]);
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void Bad_reads_by_bytes_and_by_unsuppressed_index_name_their_first_bad_byte()
    {
        ulong p = _space.SystemMalloc(16);
        _space.Fill(p, 9, 16);
        _space.ReadBytes(p + 12, new byte[8]);
        _space.Suppressions.Clear();
        _space.ReadArenaIndex(p + 14);
        Assert.Equal(
            [(MemcheckErrorKind.InvalidRead, MemoryAccess.ReadBytes, p + 16), (MemcheckErrorKind.InvalidRead, MemoryAccess.ReadArenaIndex, p + 16)],
            Reported());
        Assert.Equal((p + 12, 8UL), (_space.Errors[0].Address, _space.Errors[0].Size));
    }

    [Fact]
    public void A_write_that_starts_in_an_unmapped_page_still_stores_the_bytes_in_the_mapped_one()
    {
        ulong b = BlockAt(0x1000_0000, 16);
        _space.WriteBytes(b - 4, [1, 2, 3, 4, 5, 6, 7, 8]);
        Assert.Equal([(MemcheckErrorKind.UnmappedWrite, MemoryAccess.WriteBytes, b - 4)], Reported());
        _space.ClearReports();
        Assert.Equal(0x0807_0605u, _space.ReadUInt32(b));
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void Fill_and_copy_longer_than_a_chunk_cover_exactly_their_range()
    {
        ulong x = BlockAt(0x1000_0000, 3 * PageBytes), y = BlockAt(0x2000_0000, 3 * PageBytes);
        _space.Fill(x, 0x11, 5000);
        Assert.Equal(ShadowState.Defined, _space.StateOf(x, 5000));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(x + 5000));
        Assert.Equal(0x11u, _space.PeekUInt32(x + 4999) & 0xFF);
        _space.Fill(x + 5000, 0x22, 3 * PageBytes - 5000); // every source byte defined, so a copy too long would show

        byte[] pattern = Pattern(9000);
        _space.WriteBytes(x, pattern);
        _space.Copy(y, x, 9000);
        Assert.Equal(pattern, Bytes(y, 9000));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(y + 9000));
        Assert.Equal(0UL, _space.PeekUInt64(y + 9000));
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void Overlapping_copies_are_memmove_in_both_directions()
    {
        ulong x = BlockAt(0x1000_0000, 3 * PageBytes);
        byte[] pattern = Pattern(9000);
        _space.WriteBytes(x, pattern);
        _space.Copy(x + 100, x, 9000); // destination above the source: a forward chunked copy would smear it
        Assert.Equal(pattern, Bytes(x + 100, 9000));
        _space.Copy(x, x + 100, 9000);
        Assert.Equal(pattern, Bytes(x, 9000));
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void An_overlapping_copy_too_large_to_simulate_in_one_piece_is_refused()
    {
        var e = Assert.Throws<ArgumentException>(() => _space.Copy(0x1000_0000, 0x1000_0001, 1UL << 31));
        Assert.StartsWith("overlapping copy of 2147483648 bytes is too large for the simulation", e.Message);
        Assert.Equal("count", e.ParamName);
    }

    [Fact]
    public void A_long_copy_from_the_top_page_to_low_memory_runs_past_two_to_the_64_rather_than_overlapping()
    {
        ulong dst = BlockAt(0x1000_0000, PageBytes);
        // The source's end wraps to 2^32 - 4096, above the destination, yet the ranges are apart: the copy goes
        // chunk by chunk until the source would wrap, instead of being refused as an overlap too large to simulate.
        var e = Assert.Throws<ArgumentException>(() => _space.Copy(dst, Top, 1UL << 32));
        Assert.StartsWith($"copy of 4294967296 bytes from 0x{Top:x} to 0x{dst:x} runs past 2^64", e.Message);
    }

    [Fact]
    public void The_first_bad_byte_of_a_long_fill_or_copy_is_the_first_one_even_when_a_later_chunk_is_as_bad()
    {
        ulong x = BlockAt(0x1000_0000, 3 * PageBytes), src = BlockAt(0x2000_0000, 3 * PageBytes);
        _space.MarkNoAccess(x + 100, 1);
        _space.MarkNoAccess(x + 5000, 1);
        _space.Fill(x, 1, 8192);
        _space.Fill(src, 2, 8192);
        _space.Copy(x, src, 8192);
        Assert.Equal(
            [(MemcheckErrorKind.InvalidWrite, MemoryAccess.Fill, x + 100), (MemcheckErrorKind.InvalidWrite, MemoryAccess.CopyDestination, x + 100)],
            Reported());
    }

    [Fact]
    public void Copy_takes_each_chunk_from_its_own_source_pages()
    {
        ulong loneSource = BlockAt(0x1000_0000, PageBytes);  // the page after it is unmapped
        ulong halfTouched = BlockAt(0x2000_0000, 2 * PageBytes); // its second page was never written
        ulong y = BlockAt(0x3000_0000, 2 * PageBytes), z = BlockAt(0x4000_0000, 2 * PageBytes);
        _space.Fill(loneSource, 0xCD, PageBytes);
        _space.Fill(halfTouched, 0xEE, PageBytes);

        _space.Copy(y, loneSource, 2 * PageBytes);
        Assert.Equal([(MemcheckErrorKind.UnmappedRead, MemoryAccess.CopySource, loneSource + PageBytes)], Reported());
        Assert.Equal(0UL, _space.PeekUInt64(y + PageBytes + 8));
        Assert.Equal(ShadowState.Defined, _space.StateOf(y + PageBytes, (int)PageBytes)); // an invalid read's copy counts as defined

        _space.ClearReports();
        _space.Copy(z, halfTouched, 2 * PageBytes);
        Assert.Empty(_space.Errors);
        Assert.Equal(0xEEEE_EEEE_EEEE_EEEEUL, _space.PeekUInt64(z + 8));
        Assert.Equal(0UL, _space.PeekUInt64(z + PageBytes + 8));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(z + PageBytes, (int)PageBytes));
    }

    [Fact]
    public void Copy_keeps_mixed_definedness_byte_by_byte_into_a_page_of_one_shadow_byte()
    {
        ulong src = BlockAt(0x1000_0000, PageBytes), dst = BlockAt(0x2000_0000, PageBytes);
        _space.WriteUInt64(src, 5); // defined, then undefined bytes
        _space.Copy(dst, src, PageBytes);
        Assert.Equal(ShadowState.Defined, _space.StateOf(dst, 8));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(dst + 8));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(dst + PageBytes - 1));
    }

    [Fact]
    public void Fill_and_copy_never_wrap_past_two_to_the_64()
    {
        ulong low = BlockAt(16, 16); // maps page 0, where a wrapped access would land
        ulong top = BlockAt(Top, PageBytes);

        _space.Fill(top, 0x77, 2 * PageBytes);
        Assert.Equal([(MemcheckErrorKind.UnmappedWrite, MemoryAccess.Fill, 0UL)], Reported());
        Assert.Equal((top, 2 * PageBytes), (_space.Errors[0].Address, _space.Errors[0].Size));
        Assert.Equal(0x7777_7777u, _space.PeekUInt32(top));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(low, 16));
        Assert.Equal(0UL, _space.PeekUInt64(0));

        _space.ClearReports();
        _space.Fill(top - PageBytes, 0x66, 2 * PageBytes + 16); // an unmapped page first, then the wrap
        Assert.Equal([(MemcheckErrorKind.UnmappedWrite, MemoryAccess.Fill, top - PageBytes)], Reported());

        _space.ClearReports();
        _space.WriteUInt64(ulong.MaxValue - 3, ulong.MaxValue);
        Assert.Equal([(MemcheckErrorKind.UnmappedWrite, MemoryAccess.WriteUInt64, 0UL)], Reported());
        Assert.Equal(0u, _space.PeekUInt32(0));

        ulong dst = BlockAt(0x1000_0000, 3 * PageBytes);
        _space.Copy(dst, top, PageBytes); // a source that ends exactly at 2^64
        Assert.Equal(0x6666_6666u, _space.ReadUInt32(dst + PageBytes - 8)); // the second fill; the last four hold the word written above
        var e = Assert.Throws<ArgumentException>(() => _space.Copy(dst, top, 2 * PageBytes));
        Assert.StartsWith($"copy of 8192 bytes from 0x{top:x} to 0x{dst:x} runs past 2^64", e.Message);
        Assert.Throws<ArgumentException>(() => _space.Copy(top, dst, 2 * PageBytes));
    }

    [Fact]
    public void A_copy_whose_source_wraps_inside_a_chunk_reads_zeros_there_and_reports_it()
    {
        ulong high = BlockAt(Top - PageBytes, 2 * PageBytes);
        _space.Fill(high, 0xAB, 2 * PageBytes);
        _space.Fill(BlockAt(16, 64), 0xCD, 64); // defined bytes where a wrapped read would land
        ulong dst = BlockAt(0x1000_0000, 2 * PageBytes);
        ulong source = Top - 100;
        _space.Copy(dst, source, PageBytes + 200); // the second chunk starts 100 bytes below 2^64
        Assert.Equal([(MemcheckErrorKind.UnmappedRead, MemoryAccess.CopySource, 0UL)], Reported());
        byte[] expected = [.. Enumerable.Repeat((byte)0xAB, (int)PageBytes + 100), .. new byte[100]];
        Assert.Equal(expected, Bytes(dst, (int)PageBytes + 200));
    }

    [Fact]
    public void Client_requests_take_any_range_up_to_two_to_the_64_and_refuse_one_that_wraps()
    {
        ulong p = _space.SystemMalloc(16);
        _space.MarkDefined(p, 0);
        Assert.Equal(ShadowState.Undefined, _space.StateOf(p));
        _space.MarkDefined(p, 1);
        Assert.Equal((ShadowState.Defined, ShadowState.Undefined), (_space.StateOf(p), _space.StateOf(p + 1)));

        ulong top = BlockAt(Top, PageBytes);
        _space.MarkDefined(top, PageBytes);
        Assert.Equal(ShadowState.Defined, _space.StateOf(top, (int)PageBytes));
        var e = Assert.Throws<ArgumentException>(() => _space.MarkNoAccess(ulong.MaxValue - 7, 16));
        Assert.StartsWith($"range 0x{ulong.MaxValue - 7:x} + 16 wraps past 2^64", e.Message);
        Assert.Equal("size", e.ParamName);
    }

    [Fact]
    public void Client_requests_leave_the_kept_pages_of_a_released_arena_alone()
    {
        ulong arena = _space.AllocateArena(256 * 1024);
        _space.FreeArena(arena, 256 * 1024); // unmapped, but its pages are kept for reuse
        _space.MarkDefined(arena, 256);
        _space.PlaceNextSystemBlock(ForeignPlacement.InReleasedArena);
        Assert.Equal(arena, _space.SystemMalloc(64));
        Assert.Equal(ShadowState.Undefined, _space.StateOf(arena, 64));
        Assert.Equal(ShadowState.Unaddressable, _space.StateOf(arena + 100)); // still as the release left it
    }

    [Fact]
    public void A_space_needs_a_policy_a_valid_one_and_a_page_of_at_least_16_bytes()
    {
        Assert.Throws<ArgumentNullException>(() => new SimulatedAddressSpace(null!));
        Assert.Throws<ArgumentNullException>(() => new PlacementPolicy(null!));
        var noForeign = new PlacementPolicy(Geometry.Classic) { ForeignChoices = [] };
        Assert.Equal("a placement policy needs at least one arena and one foreign strategy",
            Assert.Throws<ArgumentException>(() => new SimulatedAddressSpace(noForeign)).Message);
        var oddRedzone = new PlacementPolicy(Geometry.Classic) { RedzoneBytes = 8 };
        Assert.Equal("redzone must be a multiple of 16 bytes (malloc alignment); got 8",
            Assert.Throws<ArgumentException>(() => new SimulatedAddressSpace(oddRedzone)).Message);
        Assert.StartsWith("page size must be a power of two of at least 16 bytes; got 3000",
            Assert.Throws<ArgumentException>(() => new SimulatedAddressSpace(new PlacementPolicy(Geometry.Classic), 3000)).Message);
        Assert.Equal(16, new SimulatedAddressSpace(new PlacementPolicy(Geometry.Tiny), 16).PageSize);
    }
}
