namespace PymallocVerify.Model.Tests;

/// <summary>
/// The tag bytes, pinned: a saved counterexample's <c>check_tag</c> step compares memory with them, so the same tag must
/// give the same bytes in every build. They depend on the position and are never zero (calloc memory is).
/// </summary>
public class TagPatternTests
{
    [Fact]
    public void Tag_bytes_are_fixed_position_dependent_and_odd()
    {
        Assert.Equal([0xd3, 0xf9, 0x1d, 0x43], Enumerable.Range(0, 4).Select(i => TagPattern.ByteAt(1, (ulong)i)));
        Assert.Equal([0xad, 0xd3, 0xf7, 0x1d], Enumerable.Range(0, 4).Select(i => TagPattern.ByteAt(7, (ulong)i)));
        Assert.Equal([0xe1, 0x05], Enumerable.Range(0, 2).Select(i => TagPattern.ByteAt(-1, (ulong)i)));
        Span<byte> filled = stackalloc byte[300];
        TagPattern.Fill(7, filled);
        for (int i = 0; i < filled.Length; i++)
        {
            Assert.Equal(TagPattern.ByteAt(7, (ulong)i), filled[i]);
            Assert.Equal(1, filled[i] & 1);
        }
    }

    [Fact]
    public void Block_content_expects_zeros_after_calloc_and_the_tag_otherwise()
    {
        Assert.Equal(0, new BlockContent(ContentKind.Zero, 7, 16).ExpectedByte(3));
        Assert.Equal(TagPattern.ByteAt(7, 3), new BlockContent(ContentKind.Tagged, 7, 16).ExpectedByte(3));
    }
}
