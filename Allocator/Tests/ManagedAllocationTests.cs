using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// The heap allocates no managed memory once its tables have grown: not on a pool's fast path, and not when it
/// takes arenas from the system, marks them in the radix tree, and gives them back. (An ownership hint published as
/// a fresh object on every arena mark allocated 240 bytes per round of this workload, and failed the benchmarks' self-check.)
/// </summary>
public class ManagedAllocationTests
{
    private const int Blocks = 20_000;

    [Fact]
    public void The_classic_heap_allocates_no_managed_memory_through_arena_churn()
    {
        using var arenas = new ArenaStack(64, (ulong)Geometry.Classic.ArenaSize);
        using var heap = new PymallocHeap<TestArenaMemory, PoolIndexOracle, NoHooks>(Geometry.Classic, new TestArenaMemory(arenas));
        Assert.Equal(0, ManagedBytesOfSecondRound(heap.Malloc, heap.Free, () => heap.LiveArenaCount));
    }

    [Fact]
    public void The_radix_heap_allocates_no_managed_memory_through_arena_churn()
    {
        using var arenas = new ArenaStack(16, (ulong)Geometry.Modern.ArenaSize);
        using var heap = new PymallocHeap<TestArenaMemory, RadixTreeOracle, NoHooks>(Geometry.Modern, new TestArenaMemory(arenas));
        Assert.Equal(0, ManagedBytesOfSecondRound(heap.Malloc, heap.Free, () => heap.LiveArenaCount));
    }

    /// <summary>
    /// Two rounds of: allocate <see cref="Blocks"/> blocks of random sizes (several arenas), free them in random order
    /// (the arenas go back). The first round grows the arena table and builds the radix nodes; the second, given the
    /// same arenas back (<see cref="ArenaStack"/>, so the radix tree needs no new node), must allocate
    /// nothing managed. Delegates are created before measuring; invoking one allocates nothing.
    /// </summary>
    private static long ManagedBytesOfSecondRound(Func<ulong, ulong> malloc, Action<ulong> free, Func<int> liveArenas)
    {
        var random = new SplitMix64(7);
        var sizes = new ulong[Blocks];
        var order = new int[Blocks];
        for (int i = 0; i < Blocks; i++) { sizes[i] = (ulong)random.NextInt(8, 513); order[i] = i; }
        random.Shuffle<int>(order);
        var blocks = new ulong[Blocks];
        int peakArenas = 0;

        long Round()
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < Blocks; i++) blocks[i] = malloc(sizes[i]);
            int arenas = liveArenas();
            foreach (int i in order) free(blocks[i]);
            long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            peakArenas = Math.Max(peakArenas, arenas);
            return allocated;
        }

        Round();
        long second = Round();
        Assert.True(peakArenas >= 3, $"the workload must span several arenas; it used {peakArenas}");
        Assert.True(liveArenas() <= 1, "freeing every block must give the arenas back (the last one may be kept)");
        return second;
    }
}
