using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PymallocVerify.Allocator.Radix;

/// <summary>
/// One radix-tree node: 2^bits entries kept in 512-entry chunks (4 KiB of 8-byte entries) that appear on first
/// write, as a calloc'ed node's pages do (CPython's nodes come zeroed from mmap; untouched pages cost nothing). That
/// lets Tiny's 2^18-entry nodes cost a few KiB, so an explorer can build thousands of heaps.
/// <para>A struct holding only its chunk table, stored inline in its parent's entry: a lookup costs two dependent
/// loads per level (chunk table, chunk) and no object hop. <see cref="Chunks"/> null = the node does not exist.
/// Chunk tables and chunks are published fully built (zeroed) with a release store, so a lock-free reader sees
/// either nothing (all zero) or a valid one.</para>
/// </summary>
internal struct ChunkedNode<T>
{
    public T[]?[]? Chunks;

    /// <summary>A node with every chunk absent.</summary>
    public static T[]?[] NewChunkTable(ChunkShape shape) => new T[]?[shape.ChunkCount];

    /// <summary>The chunk holding entry <paramref name="index"/>, or null if nothing in it was ever written.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T[]? ChunkOrNull(T[]?[] chunks, ulong index, ChunkShape shape) =>
        // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
        Volatile.Read(ref ChunkedNode.Entry(chunks, index >> shape.ChunkShift));

    /// <summary>The chunk holding entry <paramref name="index"/>, created (zeroed) and published if absent. Writer only.</summary>
    public static T[] Chunk<THooks>(T[]?[] chunks, ulong index, ChunkShape shape, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
        ref T[]? slot = ref chunks[index >> shape.ChunkShift];
        T[]? chunk = Volatile.Read(ref slot);
        if (chunk is null)
        {
            chunk = new T[shape.ChunkLength];
            hooks.Interleave(SharedAccess.RadixNodeWrite);
            Volatile.Write(ref slot, chunk);
            hooks.AfterRadixChunkLinked(chunk);
        }
        return chunk;
    }
}

internal static class ChunkedNode
{
    /// <summary>
    /// Entry <paramref name="index"/> of a chunk or chunk table without a bounds check: every index here is an address
    /// field masked to the level's width, and every array has exactly that many entries (see <see cref="ChunkShape"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ref TEntry Entry<TEntry>(TEntry[] array, ulong index) =>
        ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(array), (nint)index);
}
