namespace PymallocVerify.Allocator.Radix;

/// <summary>
/// A fixed-length array whose storage appears 4 KiB at a time on first write, as a calloc'ed node's pages do
/// (CPython's nodes come zeroed from mmap; untouched pages cost nothing). Lets Tiny's 2^18-entry nodes cost a
/// few KiB, so an explorer can build thousands of heaps. Chunks are published fully built (zeroed) with a
/// release store, so a lock-free reader sees either no chunk (all zero) or a valid one.
/// </summary>
internal sealed class LazyChunks<T>
{
    /// <summary>512 entries: one 4 KiB page of 8-byte entries.</summary>
    private const int ChunkBits = 9;

    private readonly T[]?[] _chunks;
    private readonly int _chunkLength;
    private readonly ulong _offsetMask;
    private readonly int _chunkShift;

    public LazyChunks(int lengthBits)
    {
        int chunkBits = Math.Min(lengthBits, ChunkBits);
        _chunkLength = 1 << chunkBits;
        _offsetMask = (ulong)_chunkLength - 1;
        _chunkShift = chunkBits;
        _chunks = new T[]?[1 << (lengthBits - chunkBits)];
    }

    /// <summary>The chunk holding <paramref name="index"/>, or null if nothing in it was ever written.</summary>
    public T[]? ChunkOrNull(ulong index) => Volatile.Read(ref _chunks[index >> _chunkShift]);

    /// <summary>The chunk holding <paramref name="index"/>, created (zeroed) and published if absent. Writer only.</summary>
    public T[] Chunk<THooks>(ulong index, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        ref T[]? slot = ref _chunks[index >> _chunkShift];
        T[]? chunk = Volatile.Read(ref slot);
        if (chunk is null)
        {
            chunk = new T[_chunkLength];
            hooks.Interleave(SharedAccess.RadixNodeWrite);
            Volatile.Write(ref slot, chunk);
            hooks.AfterRadixChunkLinked(chunk);
        }
        return chunk;
    }

    public int Offset(ulong index) => (int)(index & _offsetMask);

    /// <summary>Chunks that exist, in index order.</summary>
    public IEnumerable<T[]> Chunks()
    {
        foreach (T[]? chunk in _chunks)
            if (chunk is not null) yield return chunk;
    }
}
