using PymallocVerify.SeededBugs.Hooks;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// The pointer checks catch the seeded <c>stale-slot-after-release</c> bug where it first does harm: a released arena's
/// slot that still names its memory is picked from the unused list for the next arena.
/// </summary>
public class StaleSlotCheckTests
{
    [Fact]
    public void Reusing_a_slot_that_still_names_a_released_arena_is_refused()
    {
        using var arenas = new ArenaStack(4, 1024);
        using var heap = new PymallocHeap<TestArenaMemory, PoolIndexOracle, StaleSlotAfterReleaseHooks>(
            Geometry.Tiny, new TestArenaMemory(arenas), checks: HeapCheckLevel.Pointers,
            arenaRelease: ArenaReleasePolicy.ReleaseEveryFreeArena);
        heap.Free(heap.Malloc(16)); // the arena goes back, but its slot keeps the address
        Assert.NotEqual(0UL, heap.ArenaTableSnapshot[0].Address);
        var e = Assert.Throws<HeapInvariantException>(() => heap.Malloc(16));
        Assert.Equal("unused-list", e.Invariant);
        Assert.Equal($"invariant 'unused-list' broken: slot 0 on the unused list still holds arena 0x{heap.ArenaTableSnapshot[0].Address:x}", e.Message);
    }

    [Fact]
    public void Without_the_checks_the_stale_slot_is_overwritten_silently()
    {
        using var arenas = new ArenaStack(4, 1024);
        using var heap = new PymallocHeap<TestArenaMemory, PoolIndexOracle, StaleSlotAfterReleaseHooks>(
            Geometry.Tiny, new TestArenaMemory(arenas), arenaRelease: ArenaReleasePolicy.ReleaseEveryFreeArena);
        heap.Free(heap.Malloc(16));
        Assert.NotEqual(0UL, heap.Malloc(16));
    }
}
