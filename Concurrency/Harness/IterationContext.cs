using PymallocVerify.Allocator;
using PymallocVerify.Concurrency.Bugs;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// Everything one iteration's test structs share: the hooks, the lock and the memory space are structs
/// (generic parameters of the heap), so they carry a reference to this object. Scheduling points are
/// only taken while <see cref="Active"/> — the sequential setup runs without them.
/// </summary>
public sealed class IterationContext(SeededBug bug, bool interleaveMemoryAccesses)
{
    [ThreadStatic] private static int t_thread;
    [ThreadStatic] private static long t_invocation;

    public SeededBug Bug { get; } = bug;

    /// <summary>Every pool-memory read and write becomes a scheduling point (to expose races inside mutations).</summary>
    public bool InterleaveMemoryAccesses { get; } = interleaveMemoryAccesses;

    public HistoryRecorder Recorder { get; } = new();

    public volatile bool Active;

    /// <summary>The script thread running on this OS thread (0 = setup / the test's own thread).</summary>
    public static int CurrentThread { get => t_thread; set => t_thread = value; }

    /// <summary>Invocation stamp of the heap call this OS thread is in (0 = none): when an arena release it causes may begin.</summary>
    public static long CurrentInvocation { get => t_invocation; set => t_invocation = value; }

    /// <summary>How the seeded "arena returned before it is unpublished" bug finds the slot it left published.</summary>
    public Func<ArenaObject[]>? ArenaTable { get; set; }

    /// <summary>Arena bases the seeded "returned before unpublished" bug must clear only after the memory is gone.</summary>
    public HashSet<ulong> UnpublishAfterRelease { get; } = [];

    public void Interleave()
    {
        if (Active) Microsoft.Coyote.Runtime.SchedulingPoint.Interleave();
    }
}
