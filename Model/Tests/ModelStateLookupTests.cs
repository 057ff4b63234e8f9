using System.Collections.Immutable;
using Xunit;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// The model state's lookups at their edges: which block an address falls in (a block's room is its capacity, not its
/// size), which block a new extent would overlap, how handles pick arenas, foreign blocks and released arenas, and
/// where an arena ends.
/// </summary>
public class ModelStateLookupTests
{
    private const ulong A = Kit.ArenaBase;

    /// <summary>Blocks at A+48 (13 bytes in a 16-byte class) and A+96 (32 bytes); foreign f0, f1; three released arenas.</summary>
    private static ModelState State()
    {
        var b0 = new LiveBlock(0, A + 48, 13, 16, BlockKind.Pymalloc, BlockContent.Unknown);
        var b1 = new LiveBlock(1, A + 96, 32, 32, BlockKind.Pymalloc, BlockContent.Unknown);
        return Kit.Initial() with
        {
            Arenas = [new LiveArena(0, A, 65536, []), new LiveArena(1, 0x300000, 65536, [])],
            Blocks = [b0, b1],
            BlocksByStart = ModelState.SortByStart([b1, b0]),
            Foreign = [new ForeignBlock(0, 0x800000, 8), new ForeignBlock(1, 0x810000, 8)],
            ReleasedArenas = [new ReleasedArena(2, 0x500000, 65536), new ReleasedArena(3, 0x600000, 65536), new ReleasedArena(4, 0x700000, 65536)],
        };
    }

    [Theory]
    [InlineData(A + 47, null)]
    [InlineData(A + 48, 0)]
    [InlineData(A + 63, 0)] // past the 13 requested bytes, inside the 16-byte class
    [InlineData(A + 64, null)]
    [InlineData(A + 96, 1)]
    [InlineData(A + 127, 1)]
    [InlineData(A + 128, null)]
    [InlineData(0, null)]
    public void An_address_lies_in_the_block_whose_capacity_covers_it(ulong address, int? block) =>
        Assert.Equal(block, State().BlockContaining(address)?.Id);

    [Theory]
    [InlineData(A + 32, 16, null)]  // ends where b0 starts
    [InlineData(A + 32, 17, 0)]     // one byte into b0
    [InlineData(A + 56, 1, 0)]      // starts inside b0
    [InlineData(A + 64, 32, null)]  // between b0 and b1, touching both
    [InlineData(A + 64, 33, 1)]     // one byte into b1
    [InlineData(A + 48, 1, 0)]      // at b0's start
    [InlineData(A + 128, 4096, null)] // past the last block
    [InlineData(A, 1024, 0)]        // covers both: the first is named
    public void A_new_extent_overlaps_the_first_block_it_reaches(ulong start, ulong length, int? block) =>
        Assert.Equal(block, State().FirstOverlap(start, length)?.Id);

    [Fact]
    public void A_block_with_no_room_overlaps_nothing_and_the_search_goes_on_past_it()
    {
        ModelState With(params LiveBlock[] blocks) => Kit.Initial() with
        {
            Blocks = [.. blocks],
            BlocksByStart = ModelState.SortByStart(blocks),
        };
        LiveBlock Block(int id, ulong address, ulong capacity) => new(id, address, 0, capacity, BlockKind.System, BlockContent.Unknown);

        ModelState firstEmpty = With(Block(0, A, 0), Block(1, A + 16, 16));
        Assert.Null(firstEmpty.BlockContaining(A));
        Assert.Equal(1, firstEmpty.FirstOverlap(A, 32)?.Id);
        Assert.Null(firstEmpty.FirstOverlap(A, 16));

        ModelState middleEmpty = With(Block(0, A, 16), Block(1, A + 32, 0), Block(2, A + 48, 16));
        Assert.Equal(2, middleEmpty.FirstOverlap(A + 32, 32)?.Id);
        Assert.Null(middleEmpty.FirstOverlap(A + 32, 16));
    }

    [Fact]
    public void The_initial_state_refuses_an_invalid_geometry()
    {
        var bad = new ModelGeometry("bad", 12, 4096, 65536, 512);
        Assert.Equal("invalid model geometry 'bad': alignment must be a power of two >= 8; got 12",
            Assert.Throws<ArgumentException>(() => ModelState.Initial(bad)).Message);
    }

    [Fact]
    public void Handles_pick_arenas_foreign_blocks_and_released_arenas_newest_first()
    {
        ModelState s = State();
        Assert.Equal(0x300000UL, s.ResolveArena(-1)!.Base);
        Assert.Equal(A, s.ResolveArena(2)!.Base);
        Assert.Equal(0x810000UL, s.ResolveForeign(1)!.Address);
        Assert.Equal(0x800000UL, s.ResolveForeign(-2)!.Address);
        Assert.Equal(0x700000UL, s.ResolveReleasedArena(0)!.Base);
        Assert.Equal(0x500000UL, s.ResolveReleasedArena(2)!.Base);
        Assert.Equal(0x600000UL, s.ResolveReleasedArena(-2)!.Base);
        Assert.Null(Kit.Initial().ResolveArena(0));
        Assert.Null(Kit.Initial().ResolveForeign(0));
        Assert.Null(Kit.Initial().ResolveReleasedArena(0));
        Assert.Null(Kit.Initial().ResolveBlock(0));
    }

    [Fact]
    public void An_arena_ends_one_past_its_last_byte_even_at_the_top_of_memory()
    {
        var arena = new LiveArena(0, A, 65536, []);
        Assert.Equal(A + 65536, arena.End);
        Assert.True(arena.Contains(A + 65535));
        Assert.False(arena.Contains(A + 65536));
        Assert.False(arena.Contains(A - 1));
        var top = new LiveArena(0, ulong.MaxValue - 65535, 65536, []);
        Assert.True(top.Contains(ulong.MaxValue));
        Assert.Equal(A, State().ArenaContaining(A + 65535)!.Base);
        Assert.Null(State().ArenaContaining(A + 65536));
    }

    /// <summary>A short arena list is indexed, a long one enumerated: both find every arena, the last one included, and
    /// nothing between or past them.</summary>
    [Theory]
    [InlineData(3)]
    [InlineData(40)]
    public void The_arena_containing_an_address_is_found_in_short_and_long_lists(int arenas)
    {
        const ulong Stride = 0x100000;
        ModelState s = Kit.Initial() with
        {
            Arenas = [.. Enumerable.Range(0, arenas).Select(i => new LiveArena(i, A + (ulong)i * Stride, 65536, []))],
        };
        for (int i = 0; i < arenas; i++)
        {
            ulong start = A + (ulong)i * Stride;
            Assert.Equal(i, s.ArenaContaining(start)!.Ordinal);
            Assert.Equal(i, s.ArenaContaining(start + 65535)!.Ordinal);
            Assert.Null(s.ArenaContaining(start + 65536));
        }
        Assert.Null(s.ArenaContaining(A - 1));
    }

    [Fact]
    public void Known_content_says_which_byte_each_position_holds()
    {
        Assert.Equal(0, new BlockContent(ContentKind.Zero, 7, 16).ExpectedByte(3));
        Assert.Equal(TagPattern.ByteAt(7, 3), new BlockContent(ContentKind.Tagged, 7, 16).ExpectedByte(3));
        Assert.NotEqual(0, TagPattern.ByteAt(7, 3));
    }
}
