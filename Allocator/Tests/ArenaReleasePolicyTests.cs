using PymallocVerify.Allocator;
using Xunit;

namespace PymallocVerify.Allocator.Tests;

/// <summary>3.8 returns every wholly free arena; 3.9+ keeps the last usable one (bpo-37257).</summary>
public class ArenaReleasePolicyTests
{
    private static PymallocHeap<TestArenaMemory, PoolIndexOracle, NoHooks> Heap(ArenaReleasePolicy policy, ArenaLedger ledger) =>
        new(Geometry.Classic, new TestArenaMemory(new OffsetArenas(0, ledger)), arenaRelease: policy);

    [Theory]
    [InlineData(ArenaReleasePolicy.KeepLastUsable, 0)]
    [InlineData(ArenaReleasePolicy.ReleaseEveryFreeArena, 1)]
    public void Freeing_the_only_block_of_the_only_arena_returns_it_only_under_the_3_8_policy(ArenaReleasePolicy policy, int released)
    {
        var ledger = new ArenaLedger();
        using var heap = Heap(policy, ledger);
        heap.Free(heap.Malloc(1));
        heap.CheckInvariants();
        Assert.Equal(released, ledger.Released.Count);
        Assert.Equal(1 - released, heap.LiveArenaCount);
    }

    [Fact]
    public void The_3_8_policy_returns_the_last_usable_arena_too_and_keeps_the_list_consistent()
    {
        // Two arenas, both usable; emptying the one at the tail of usable_arenas returns it (3.9 would keep it).
        var ledger = new ArenaLedger();
        using var heap = Heap(ArenaReleasePolicy.ReleaseEveryFreeArena, ledger);
        int perArena = Geometry.Classic.BlocksPerPool(Geometry.Classic.NumSizeClasses - 1) * (Geometry.Classic.MaxPoolsInArena);
        var blocks = new List<ulong>();
        for (int i = 0; i < perArena + 1; i++) blocks.Add(heap.Malloc(512));
        Assert.Equal(2, heap.LiveArenaCount);
        heap.Free(blocks[0]);          // the first arena becomes usable again (one free pool)
        heap.Free(blocks[^1]);         // the second arena, now wholly free, is the last usable arena
        heap.CheckInvariants();
        Assert.Equal(1, heap.LiveArenaCount);
        Assert.Equal([ledger.Obtained[1]], ledger.Released);
        foreach (ulong b in blocks.Skip(1).SkipLast(1)) heap.Free(b);
        heap.CheckInvariants();
        Assert.Equal(0, heap.LiveArenaCount);
    }
}
