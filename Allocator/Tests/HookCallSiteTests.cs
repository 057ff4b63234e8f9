using PymallocVerify.Allocator.Concurrent;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// Where the heap calls its test hooks. Production's hooks are empty, but the Coyote harness schedules threads at each
/// <see cref="IHeapHooks.Interleave"/> and the seeded bugs enter through the After… hooks: a call that goes missing
/// silently removes a scheduling point or disarms a seeded bug, so the order of the calls is pinned here.
/// </summary>
public class HookCallSiteTests
{
    private sealed class CallLog
    {
        public List<string> Calls { get; } = [];
    }

    private readonly struct RecordingHooks(CallLog log) : IHeapHooks
    {
        public void Interleave(SharedAccess access) => log.Calls.Add(access.ToString());
        public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) =>
            log.Calls.Add($"slot-cleared({(slot.Address == 0 ? "now 0" : "still set")}, was arena {(formerAddress != 0 ? "set" : "0")})");
        public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace =>
            log.Calls.Add($"pool-carved(+{pool % 1024})");
        public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) =>
            log.Calls.Add($"table-published({previous.Length} -> {published.Length})");
        public void AfterRadixChunkLinked<T>(T[] chunk) => log.Calls.Add("radix-chunk");
    }

    /// <summary>A lock that records its calls in the same log as the hooks.</summary>
    private struct RecordingLock(CallLog log) : IMutationLock
    {
        public void Initialize() => log.Calls.Add("lock-initialized");
        public void Enter(Mutation mutation) => log.Calls.Add($"enter {mutation}");
        public void Exit(Mutation mutation) => log.Calls.Add($"exit {mutation}");
    }

    private static (PymallocHeap<TestArenaMemory, PoolIndexOracle, RecordingHooks> Heap, CallLog Log) Classic(
        ArenaStack arenas, ArenaReleasePolicy release = ArenaReleasePolicy.KeepLastUsable)
    {
        var log = new CallLog();
        return (new(Geometry.Tiny, new TestArenaMemory(arenas), hooks: new RecordingHooks(log), arenaRelease: release), log);
    }

    private static string Run(CallLog log, Action action)
    {
        log.Calls.Clear();
        action();
        return string.Join(" ", log.Calls);
    }

    [Fact]
    public void Publishing_querying_and_releasing_an_arena_call_the_hooks_in_protocol_order()
    {
        using var arenas = new ArenaStack(20, 1024);
        var (heap, log) = Classic(arenas, ArenaReleasePolicy.ReleaseEveryFreeArena);
        ulong p = 0;
        Assert.Equal("ArenaTablePublish table-published(0 -> 16) ArenaSlotPublish pool-carved(+0)", Run(log, () => p = heap.Malloc(16)));
        Assert.Equal("ArenaTableRead ArenaIndexRead ArenaSlotRead", Run(log, () => heap.IsOwned(p)));
        Assert.Equal("ArenaTableRead ArenaIndexRead ArenaSlotRead ArenaSlotClear slot-cleared(now 0, was arena set) ArenaMemoryRelease",
            Run(log, () => heap.Free(p)));

        // 16 arenas of 4 pools fill the first table; the 17th arena grows it.
        string fill = string.Join(" ", Enumerable.Repeat("ArenaSlotPublish pool-carved(+0) pool-carved(+256) pool-carved(+512) pool-carved(+768)", 16));
        Assert.Equal(fill + " ArenaTablePublish table-published(16 -> 32) ArenaSlotPublish pool-carved(+0)",
            Run(log, () => { for (int i = 0; i < 16 * 12 + 1; i++) heap.Malloc(64); }));
        Assert.Equal("", Run(log, heap.Dispose));
    }

    [Fact]
    public void The_front_end_takes_the_lock_around_every_mutation_and_inspection_but_not_around_queries()
    {
        using var arenas = new ArenaStack(4, 1024);
        var log = new CallLog();
        using var front = new ConcurrentHeap<TestArenaMemory, PoolIndexOracle, RecordingHooks, RecordingLock>(
            Geometry.Tiny, new TestArenaMemory(arenas), hooks: new RecordingHooks(log), mutationLock: new RecordingLock(log));
        Assert.Equal(["lock-initialized"], log.Calls);
        ulong a = 0, b = 0;
        Assert.Equal("enter Malloc MutationBegin ArenaTablePublish table-published(0 -> 16) ArenaSlotPublish pool-carved(+0) exit Malloc",
            Run(log, () => a = front.Malloc(16)));
        Assert.Equal("enter Calloc MutationBegin exit Calloc", Run(log, () => b = front.Calloc(2, 8)));
        Assert.Equal("enter Realloc MutationBegin ArenaTableRead ArenaIndexRead ArenaSlotRead pool-carved(+256) "
                     + "ArenaTableRead ArenaIndexRead ArenaSlotRead exit Realloc", Run(log, () => a = front.Realloc(a, 40)));
        Assert.Equal("enter Free MutationBegin ArenaTableRead ArenaIndexRead ArenaSlotRead exit Free", Run(log, () => front.Free(a)));
        Assert.Equal("ArenaTableRead ArenaIndexRead ArenaSlotRead", Run(log, () => Assert.True(front.IsOwned(b))));
        Assert.Equal("enter Inspect exit Inspect", Run(log, () => Assert.Equal(1, front.GetStats().BlocksInUse)));
        Assert.Equal("enter Inspect exit Inspect", Run(log, front.CheckInvariants));
        Assert.Equal("enter Inspect exit Inspect", Run(log, () => Assert.Equal(16, front.Inspect(heap => heap.ArenaTableSnapshot.Length))));
        Assert.Same(front.ArenaTableSnapshot, front.Inspect(heap => heap.ArenaTableSnapshot));
        Assert.Same(Geometry.Tiny, front.Geometry);
        Assert.Throws<ArgumentNullException>(() => front.Inspect<int>(null!));
        Assert.Equal("enter Inspect exit Inspect", Run(log, front.Dispose));
        Assert.Equal(0, front.Inspect(heap => heap.LiveArenaCount));
    }

    [Fact]
    public void The_lock_is_released_when_the_heap_throws()
    {
        using var arenas = new ArenaStack(4, 1024);
        var log = new CallLog();
        using var front = new ConcurrentHeap<TestArenaMemory, PoolIndexOracle, RecordingHooks, RecordingLock>(
            Geometry.Tiny, new TestArenaMemory(arenas), hooks: new RecordingHooks(log), mutationLock: new RecordingLock(log),
            checks: HeapCheckLevel.Pointers);
        ulong a = front.Malloc(16);
        front.Free(a);
        log.Calls.Clear();
        Assert.Throws<HeapMisuseException>(() => front.Free(a)); // a double free, refused by the pointer checks
        Assert.Equal("exit Free", log.Calls[^1]);
        log.Calls.Clear();
        Assert.Throws<HeapMisuseException>(() => front.Realloc(a, 8));
        Assert.Equal("exit Realloc", log.Calls[^1]);
    }
}
