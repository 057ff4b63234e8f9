using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Concurrent;

namespace PymallocVerify.Concurrency.Tests;

/// <summary>
/// The production configuration — real memory, <see cref="SystemLock"/>, no hooks — on real OS threads:
/// mutations serialize, lock-free queries on each thread's own live blocks always answer true, and the heap
/// is intact afterwards. (Interleavings are explored systematically by the Coyote tests; this one checks the
/// production lock and memory ordering on real hardware.)
/// </summary>
public class ConcurrentHeapRealThreadTests
{
    [Fact]
    public void ThreadsAllocateFreeAndQueryWithoutLosingBlocks()
    {
        using var heap = new ConcurrentHeap<NativeMemorySpace, PoolIndexOracle, NoHooks, SystemLock>(Geometry.Classic);
        int rounds = 3000 * TestSupport.Effort;
        var failures = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var threads = Enumerable.Range(0, 4).Select(t => new Thread(() =>
        {
            var random = new SplitMix64((ulong)t + 1);
            var live = new List<ulong>();
            for (int i = 0; i < rounds; i++)
            {
                if (live.Count < 200 && random.NextInt(3) != 0)
                {
                    ulong block = heap.Malloc((ulong)random.NextInt(1, 513));
                    if (block == 0) { failures.Enqueue($"T{t}: out of memory"); return; }
                    live.Add(block);
                }
                else if (live.Count > 0)
                {
                    int victim = random.NextInt(live.Count);
                    heap.Free(live[victim]);
                    live.RemoveAt(victim);
                }
                if (live.Count > 0 && !heap.IsOwned(live[random.NextInt(live.Count)]))
                    failures.Enqueue($"T{t}: a live block of this thread was reported foreign");
            }
            foreach (ulong block in live) heap.Free(block);
        })).ToArray();
        foreach (var thread in threads) thread.Start();
        foreach (var thread in threads) thread.Join();

        Assert.Empty(failures);
        heap.CheckInvariants();
        Assert.Equal(0L, heap.GetStats().BlocksInUse);
    }
}
