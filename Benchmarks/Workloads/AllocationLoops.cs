using System.Runtime.CompilerServices;

namespace PymallocVerify.Benchmarks.Workloads;

/// <summary>
/// The measured loops, shared by every allocator (see <see cref="IBlockAllocator"/>). They read precomputed
/// sequences and write addresses into preallocated arrays: nothing managed is allocated inside them.
/// NoInlining keeps one specialised body per allocator, so the disassembly of each is easy to find.
/// </summary>
public static class AllocationLoops
{
    /// <summary>malloc(n) immediately followed by free: the cheapest possible life of a block.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static ulong FreeAtOnce<TAllocator>(TAllocator allocator, uint[] sizes)
        where TAllocator : struct, IBlockAllocator
    {
        ulong checksum = 0;
        foreach (uint size in sizes)
        {
            ulong block = allocator.Malloc(size);
            checksum += block;
            allocator.Free(block);
        }
        return checksum;
    }

    /// <summary>
    /// A working set of live blocks with random replacement: free the block in a random slot, allocate a new one
    /// of the next size into it. Blocks are freed in random order and live for |live| steps on average.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void Churn<TAllocator>(TAllocator allocator, ulong[] live, ushort[] slots, uint[] sizes)
        where TAllocator : struct, IBlockAllocator
    {
        for (int i = 0; i < sizes.Length; i++)
        {
            int slot = slots[i];
            allocator.Free(live[slot]);
            live[slot] = allocator.Malloc(sizes[i]);
        }
    }

    /// <summary>Allocates one block per size, then frees them all in <paramref name="freeOrder"/>.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public static void AllocAllThenFreeAll<TAllocator>(TAllocator allocator, ulong[] blocks, uint[] sizes, int[] freeOrder)
        where TAllocator : struct, IBlockAllocator
    {
        for (int i = 0; i < sizes.Length; i++) blocks[i] = allocator.Malloc(sizes[i]);
        foreach (int i in freeOrder) allocator.Free(blocks[i]);
    }

    /// <summary>Fills <paramref name="live"/> with one block per slot (sizes taken cyclically).</summary>
    public static void Fill<TAllocator>(TAllocator allocator, ulong[] live, uint[] sizes)
        where TAllocator : struct, IBlockAllocator
    {
        for (int i = 0; i < live.Length; i++) live[i] = allocator.Malloc(sizes[i % sizes.Length]);
    }

    public static void FreeAll<TAllocator>(TAllocator allocator, ulong[] live)
        where TAllocator : struct, IBlockAllocator
    {
        for (int i = 0; i < live.Length; i++)
        {
            allocator.Free(live[i]);
            live[i] = 0;
        }
    }
}
