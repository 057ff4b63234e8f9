using PymallocVerify.Allocator;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// On the recording backend a <see cref="HeapCheckLevel.Full"/> heap re-walks only the pools its write log says
/// changed. A pool broken while another pool is being mutated must still stop the very next mutation, whoever wrote
/// the bytes: the heap through its memory space, or the backend's own tag write.
/// </summary>
public class PoolWriteLogTests
{
    [Fact]
    public void A_free_list_broken_through_the_memory_space_stops_the_next_mutation_in_another_pool()
    {
        using var recorder = new MemoryRecorder((ulong)Geometry.Classic.PoolSize, [0]);
        using var heap = new PymallocHeap<RecordingMemory, PoolIndexOracle, NoHooks>(Geometry.Classic, recorder.Memory, checks: HeapCheckLevel.Full);
        ulong freed = heap.Malloc(16);
        heap.Malloc(16);
        heap.Free(freed);          // the 16-byte pool's free list: freed -> null
        heap.Malloc(100);          // another pool; this audit passes and the 16-byte pool is not written again
        heap.Malloc(100);
        heap.Memory.WriteUInt64(freed, freed + 8); // what a bug would write: a link into the middle of a block

        var broken = Assert.Throws<HeapInvariantException>(() => heap.Malloc(100));
        Assert.Equal("free-list", broken.Invariant);
    }

    [Fact]
    public void A_free_block_overwritten_by_a_tag_write_stops_the_next_mutation_in_another_pool()
    {
        using var backend = new NativeCaseBackend((ulong)Geometry.Classic.PoolSize, [0]);
        using IHeapDriver heap = backend.CreateHeap(HeapVariant.RealPoolIndex, Geometry.Classic, HeapCheckLevel.Full);
        ulong freed = heap.Malloc(16);
        heap.Malloc(16);
        heap.Free(freed);
        heap.Malloc(100);
        backend.WriteTag(freed, 16, tag: 3); // a test writing through a dangling handle, as a wrong free would let it

        var broken = Assert.Throws<HeapInvariantException>(() => heap.Malloc(100));
        Assert.Equal("free-list", broken.Invariant);
    }
}
