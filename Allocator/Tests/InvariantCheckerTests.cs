using PymallocVerify.Allocator;

namespace PymallocVerify.Allocator.Tests;

/// <summary>The invariant checker has teeth: each test corrupts one structure and requires the rule's name.</summary>
public class InvariantCheckerTests
{
    private readonly PymallocHeap<TestArenaMemory, PoolIndexOracle, NoHooks> _heap =
        TestHeaps.Create(Geometry.Tiny, new ArenaLedger());

    private (ulong PoolA, ulong PoolB, List<ulong> Blocks) TwoUsedPoolsOfClass0()
    {
        var blocks = Enumerable.Range(0, 16).Select(_ => _heap.Malloc(16)).ToList(); // 13 fill pool A, 3 in pool B
        _heap.Free(blocks[0]);                                                      // A back on the used list
        _heap.CheckInvariants();
        return (blocks[0] & ~255UL, blocks[15] & ~255UL, blocks);
    }

    private void AssertBroken(string invariant)
    {
        var e = Assert.Throws<HeapInvariantException>(_heap.CheckInvariants);
        Assert.Equal(invariant, e.Invariant);
        Assert.Contains(invariant, e.Message);
    }

    [Fact]
    public void A_pool_count_off_by_one_is_reported_as_free_list_length()
    {
        var (_, poolB, _) = TwoUsedPoolsOfClass0();
        _heap.Memory.WriteUInt32(poolB + PoolHeader.Count, _heap.Memory.ReadUInt32(poolB + PoolHeader.Count) - 1);
        AssertBroken("free-list-length");
    }

    [Fact]
    public void An_arena_free_pool_count_off_by_one_is_reported_against_nfp2lasta()
    {
        TwoUsedPoolsOfClass0();
        _heap.ArenaTableSnapshot[0].NFreePools += 1;
        AssertBroken("nfp2lasta");
    }

    [Fact]
    public void An_empty_pool_lost_from_its_arena_free_list_is_reported_as_a_free_pool_count_mismatch()
    {
        var (_, _, blocks) = TwoUsedPoolsOfClass0();
        foreach (var b in blocks.Skip(13)) _heap.Free(b);                 // pool B empties onto the arena's free pools
        _heap.CheckInvariants();
        _heap.ArenaTableSnapshot[0].FreePools = 0;
        AssertBroken("arena-nfreepools");
    }

    [Fact]
    public void A_broken_used_list_link_is_reported()
    {
        var (poolA, _, _) = TwoUsedPoolsOfClass0();
        _heap.Memory.WriteUInt64(poolA + PoolHeader.NextPool, poolA); // A.next = A, but B.prev still says A
        AssertBroken("used-pool-list");
    }

    [Fact]
    public void A_free_block_linking_to_itself_is_reported()
    {
        var (poolA, _, blocks) = TwoUsedPoolsOfClass0();
        _heap.Memory.WriteUInt64(blocks[0], blocks[0]);
        AssertBroken("free-list");
    }

    [Fact]
    public void A_wrong_arena_index_in_a_pool_header_is_reported()
    {
        var (_, poolB, _) = TwoUsedPoolsOfClass0();
        _heap.Memory.WriteUInt32(poolB + PoolHeader.ArenaIndex, 7);
        AssertBroken("pool-arena-index");
    }

    [Fact]
    public void An_unlinked_usable_arena_is_reported()
    {
        TwoUsedPoolsOfClass0();
        _heap.ArenaTableSnapshot[0].PrevArena = 3;
        AssertBroken("usable-arenas");
    }

    [Fact]
    public void A_live_slot_on_the_unused_list_is_reported()
    {
        TwoUsedPoolsOfClass0();
        _heap.ArenaTableSnapshot[1].NextArena = 0; // slot 1 (unused) now links to the live slot 0
        AssertBroken("unused-list");
    }
}
