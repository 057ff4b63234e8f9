using PymallocVerify.Allocator;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// The test memory is fenced: a heap that writes outside its arenas and system blocks fails the test that drove it
/// with a diagnosis, instead of corrupting glibc's heap and killing the test host ("free(): invalid size").
/// </summary>
public class WildAccessTests
{
    [Fact]
    public void A_pool_carved_past_its_arena_is_a_wild_write_named_by_address_and_nearest_arena()
    {
        using var heap = TestHeaps.Create(Geometry.Tiny, new ArenaLedger(), checks: HeapCheckLevel.Off);
        ulong block = heap.Malloc(16);
        ulong pool = block & ~255UL;
        // What a bug in the pool's offsets would do: the next block to carve lies 64 KiB past the pool.
        heap.Memory.WriteUInt32(pool + PoolHeader.MaxNextOffset, 0x2_0000);
        heap.Memory.WriteUInt32(pool + PoolHeader.NextOffset, 0x1_0000);

        // The malloc takes the second block, finds the free list empty and carves the "next" one 64 KiB away.
        var wild = Assert.Throws<WildAccessException>(() => heap.Malloc(16));
        Assert.Contains($"write of 8 byte(s) at 0x{pool + 0x1_0000:x}", wild.Message);
        Assert.Contains("nearest: [0x", wild.Message);
    }

    [Fact]
    public void The_fence_follows_system_blocks_through_realloc_and_free()
    {
        var ledger = new ArenaLedger();
        using var heap = TestHeaps.Create(Geometry.Tiny, ledger);
        ulong big = heap.Malloc(100);          // above Tiny's threshold: a system block
        Assert.True(heap.Memory.Fence.Contains(big, 100));
        ulong moved = heap.Realloc(big, 5000);
        Assert.True(heap.Memory.Fence.Contains(moved, 5000));
        heap.Free(moved);
        Assert.False(heap.Memory.Fence.Contains(moved, 1));
        Assert.Throws<WildAccessException>(() => heap.Memory.ReadUInt64(moved));
    }
}
