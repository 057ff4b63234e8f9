using PymallocVerify.Allocator.Simulated;

namespace PymallocVerify.Allocator.Tests;

/// <summary>The words of a memcheck report: its headline per kind, where the bad address lies, and the report caps.</summary>
public class SimulatedReportTextTests
{
    private readonly SimulatedAddressSpace _space = SimulatedAddressSpace.For(Geometry.Classic);

    private ulong BlockAt(ulong address, ulong size)
    {
        _space.PlaceNextSystemBlockAt(address);
        return _space.SystemMalloc(size);
    }

    [Theory]
    [InlineData(MemcheckErrorKind.InvalidRead, "Invalid read of size 8")]
    [InlineData(MemcheckErrorKind.InvalidWrite, "Invalid write of size 8")]
    [InlineData(MemcheckErrorKind.UninitialisedValue, "Use of uninitialised value of size 8")]
    [InlineData(MemcheckErrorKind.UnmappedRead, "Access not within mapped region (read of size 8)")]
    [InlineData(MemcheckErrorKind.UnmappedWrite, "Access not within mapped region (write of size 8)")]
    [InlineData(MemcheckErrorKind.InvalidFree, "Invalid free() / realloc()")]
    [InlineData(MemcheckErrorKind.MismatchedFree, "Mismatched free()")]
    [InlineData((MemcheckErrorKind)99, "99")]
    public void Each_kind_reads_as_memchecks_headline(MemcheckErrorKind kind, string headline) =>
        Assert.Equal($"{headline} at 0x10 (ReadUInt64) in Site.Method, op #2: address 0x18 is somewhere",
            new MemcheckError(kind, MemoryAccess.ReadUInt64, 0x10, 8, 0x18, 2, "Site.Method", "is somewhere").ToString());

    [Fact]
    public void An_address_between_blocks_is_described_from_the_nearer_one_the_one_below_on_a_tie()
    {
        BlockAt(0x10_0000, 32);  // #1, last byte 0x10001f
        BlockAt(0x10_011F, 32);  // #2
        BlockAt(0x10_0200, 16);  // #3, last byte 0x10020f
        BlockAt(0x10_0300, 16);  // #4
        const string placed = "placed at requested address at op #0";
        Assert.Equal($"is 8 bytes inside system block #1 [0x100000, +32) {placed}", _space.Describe(0x10_0008));
        Assert.Equal($"is 127 bytes after system block #1 [0x100000, +32) {placed}", _space.Describe(0x10_009F));
        Assert.Equal($"is 127 bytes before system block #2 [0x10011f, +32) {placed}", _space.Describe(0x10_00A0));
        Assert.Equal($"is 112 bytes after system block #3 [0x100200, +16) {placed}", _space.Describe(0x10_0280));
        Assert.Equal($"is 256 bytes before system block #1 [0x100000, +32) {placed} (in no mapped page)", _space.Describe(0x0F_FF00));
    }

    [Fact]
    public void Only_blocks_within_4096_bytes_are_near_enough_to_name()
    {
        BlockAt(0x20_0000, 16);
        const string block = "system block #1 [0x200000, +16) placed at requested address at op #0 (in no mapped page)";
        Assert.Equal($"is 4095 bytes after {block}", _space.Describe(0x20_000F + 4096));
        Assert.Equal("is in no mapped page", _space.Describe(0x20_000F + 4097));
        Assert.Equal($"is 4096 bytes before {block}", _space.Describe(0x20_0000 - 4096));
        Assert.Equal("is in no mapped page", _space.Describe(0x20_0000 - 4097));

        var bigPages = new SimulatedAddressSpace(new PlacementPolicy(Geometry.Classic), pageSize: 16384);
        bigPages.PlaceNextSystemBlockAt(0x40_0000);
        bigPages.SystemMalloc(16);
        Assert.Equal("is in a mapped page but in no known block", bigPages.Describe(0x40_2000));
    }

    [Fact]
    public void A_freed_block_is_named_the_most_recent_first_with_the_operation_that_freed_it()
    {
        ulong f = BlockAt(0x30_0000, 16);
        BlockAt(0x30_0100, 16); // keeps the page mapped
        _space.CurrentOperationIndex = 3;
        _space.SystemFree(f);
        Assert.Equal("is 4 bytes inside system block #1 [0x300000, +16) placed at requested address at op #0, freed at op #3",
            _space.Describe(f + 4));
        _space.CurrentOperationIndex = 5;
        BlockAt(f, 16);
        _space.CurrentOperationIndex = 6;
        _space.SystemFree(f);
        Assert.Equal("is 4 bytes inside system block #3 [0x300000, +16) placed at requested address at op #5, freed at op #6",
            _space.Describe(f + 4));
    }

    [Fact]
    public void An_arena_is_named_as_an_arena()
    {
        _space.PlaceNextArenaAt(0x50_0000);
        _space.AllocateArena(4096);
        Assert.Equal("is 16 bytes inside arena #1 [0x500000, +4096) placed at requested address at op #0", _space.Describe(0x50_0010));
    }

    [Fact]
    public void Suppressed_reads_are_counted_all_and_recorded_up_to_the_lower_cap()
    {
        ulong p = _space.SystemMalloc(64);
        _space.MaxRecordedSuppressedReads = 1;
        for (int i = 0; i < 3; i++) _space.ReadArenaIndex(p);
        Assert.Equal((1, 3L), (_space.SuppressedReads.Count, _space.SuppressedReadCount));

        _space.ClearReports();
        Assert.Equal((0, 0L), (_space.SuppressedReads.Count, _space.SuppressedReadCount));
        _space.MaxRecordedSuppressedReads = int.MaxValue;
        _space.MaxRecordedReports = 2;
        for (int i = 0; i < 5; i++) _space.ReadArenaIndex(p);
        Assert.Equal((2, 5L), (_space.SuppressedReads.Count, _space.SuppressedReadCount));
        Assert.Equal(5L, _space.GetStats().SuppressedReads);
    }

    [Fact]
    public void Throw_on_error_throws_even_when_no_more_errors_are_recorded()
    {
        _space.ThrowOnError = true;
        _space.MaxRecordedReports = 1;
        Assert.Throws<MemcheckException>(() => _space.ReadUInt64(0x1000));
        Assert.Throws<MemcheckException>(() => _space.ReadUInt64(0x2000));
        Assert.Equal((1, 2L), (_space.Errors.Count, _space.ErrorCount));
        Assert.Equal(0x1000UL, _space.Errors[0].Address);

        _space.ClearReports();
        _space.MaxRecordedReports = 0;
        Assert.Equal(0x3000UL, Assert.Throws<MemcheckException>(() => _space.ReadUInt64(0x3000)).Error.Address);
        Assert.Empty(_space.Errors);
    }

    [Fact]
    public void The_shipped_suppression_says_why_it_exists()
    {
        Assert.Equal("pymalloc-address-in-range", Suppression.ClassicOracleArenaIndexRead.Name);
        Assert.StartsWith("address_in_range reads the arena index at a foreign pointer's pool base",
            Suppression.ClassicOracleArenaIndexRead.Reason);
    }
}
