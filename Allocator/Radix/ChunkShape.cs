namespace PymallocVerify.Allocator.Radix;

/// <summary>How a node of 2^bits entries splits into chunks: <c>index &gt;&gt; ChunkShift</c> picks the chunk, <c>index &amp; OffsetMask</c> the entry.</summary>
internal readonly struct ChunkShape
{
    /// <summary>512 entries: one 4 KiB page of 8-byte entries.</summary>
    private const int MaxChunkBits = 9;

    public ChunkShape(int nodeBits)
    {
        int chunkBits = Math.Min(nodeBits, MaxChunkBits);
        ChunkShift = chunkBits;
        ChunkLength = 1 << chunkBits;
        OffsetMask = (ulong)ChunkLength - 1;
        ChunkCount = 1 << (nodeBits - chunkBits);
    }

    public int ChunkShift { get; }
    public int ChunkLength { get; }
    public ulong OffsetMask { get; }
    public int ChunkCount { get; }
}
