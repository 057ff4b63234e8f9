using PymallocVerify.Allocator.Concurrent;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.Allocator.Tests;

/// <summary>What the thread-safe front end passes through to the heap beyond the mutations: invariant checks and disposal.</summary>
public class ConcurrentFrontEndTests
{
    [Fact]
    public void CheckInvariants_walks_the_heap_and_reports_a_broken_rule()
    {
        using var arenas = new ArenaStack(2, 1024);
        using var front = new ConcurrentHeap<TestArenaMemory, PoolIndexOracle, NoHooks, SystemLock>(Geometry.Tiny, new TestArenaMemory(arenas));
        ulong p = front.Malloc(16);
        front.CheckInvariants();
        ulong pool = p & ~((ulong)Geometry.Tiny.PoolSize - 1);
        front.Inspect(heap => { PoolHeader.Set(ref heap.Memory, pool, PoolHeader.Count, 2); return true; }); // a stray write
        Assert.Throws<HeapInvariantException>(front.CheckInvariants);
        front.Inspect(heap => { PoolHeader.Set(ref heap.Memory, pool, PoolHeader.Count, 1); return true; });
        front.CheckInvariants(); // the lock was released by the throw
    }

    [Fact]
    public void After_dispose_no_block_of_a_returned_arena_is_owned_on_either_oracle()
    {
        using var arenas = new ArenaStack(2, 1024);
        var classic = new ConcurrentHeap<TestArenaMemory, PoolIndexOracle, NoHooks, SystemLock>(Geometry.Tiny, new TestArenaMemory(arenas));
        ulong p = classic.Malloc(16);
        classic.Dispose();
        Assert.False(classic.IsOwned(p));

        var radix = new ConcurrentHeap<TestArenaMemory, RadixTreeOracle, NoHooks, SystemLock>(Geometry.Tiny, new TestArenaMemory(arenas));
        ulong q = radix.Malloc(16);
        Assert.True(radix.IsOwned(q));
        radix.Dispose();
        Assert.False(radix.IsOwned(q)); // the arena map forgot the arena
    }
}
