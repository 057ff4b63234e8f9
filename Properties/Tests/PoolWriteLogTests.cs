using PymallocVerify.Allocator;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// On the recording backend a <see cref="HeapCheckLevel.Full"/> heap re-walks only the pools its write log says
/// changed. A pool broken while another pool is being mutated must still stop the very next mutation, whoever wrote
/// the bytes: the heap through its memory space, or the backend's own tag write. And the log itself is held to what
/// was really written.
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

    /// <summary>
    /// Against what was really written: after any mix of word writes, fills and copies into arena memory (crossing pool
    /// boundaries, up to three pools each, arenas at odd offsets), the log lists every pool written, or says it cannot
    /// list — always once an arena came or went. The audit's skipping is sound only over such an honest log.
    /// </summary>
    [Theory]
    [InlineData(256UL, 48)]
    [InlineData(4096UL, 0)]
    [InlineData(4096UL, 4080)]
    [InlineData(16384UL, 208)]
    public void The_log_lists_every_pool_written_or_says_it_cannot(ulong poolSize, int arenaHead)
    {
        var random = new Random(20261207 + arenaHead);
        using var recorder = new MemoryRecorder(poolSize, [arenaHead]);
        RecordingMemory memory = recorder.Memory;
        ulong arenaSize = poolSize * 16;
        ulong[] arenas = [memory.AllocateArena(arenaSize), memory.AllocateArena(arenaSize)];
        for (int round = 0; round < 5000; round++)
        {
            recorder.Reset();
            var written = new HashSet<ulong>();
            bool arenasChanged = false;
            for (int call = random.Next(1, 6); call > 0; call--)
            {
                ulong arena = arenas[random.Next(2)];
                ulong offset = (ulong)random.NextInt64(0, (long)arenaSize - 8) & ~7UL;
                ulong length = Math.Min(arenaSize - offset, (ulong)random.NextInt64(1, 3 * (long)poolSize));
                switch (random.Next(6))
                {
                    case 0: memory.WriteUInt64(arena + offset, 1); length = 8; break;
                    case 1: memory.WriteUInt32(arena + offset + 4, 1); (offset, length) = (offset + 4, 4); break;
                    case 2: memory.Fill(arena + offset, 7, length); break;
                    case 3: memory.Copy(arena + offset, arenas[0] == arena ? arenas[1] : arenas[0], length); break;
                    case 4 when random.Next(8) == 0:
                        memory.FreeArena(arenas[0], arenaSize);
                        arenas[0] = memory.AllocateArena(arenaSize);
                        arenasChanged = true;
                        continue;
                    default: memory.WriteUInt64(arena + offset, 2); length = 8; break;
                }
                for (ulong pool = (arena + offset) & ~(poolSize - 1); pool < arena + offset + length; pool += poolSize) written.Add(pool);
            }
            if (!recorder.TryListChanged(out ReadOnlySpan<ulong> listed)) continue;
            Assert.False(arenasChanged, $"round {round}: an arena came or went, yet the log lists");
            var listedSet = new HashSet<ulong>(listed.ToArray());
            Assert.True(written.IsSubsetOf(listedSet),
                $"round {round}: written but not listed: {string.Join(", ", written.Except(listedSet).Select(p => $"0x{p:x}"))}");
        }
    }
}
