using PymallocVerify.Allocator;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// Everything one iteration's test structs share: the hooks, the lock and the memory space are structs
/// (generic parameters of the heap), so they carry a reference to this object. Scheduling points are
/// only taken while <see cref="Active"/> — the sequential setup runs without them. It is also the race window a seeded
/// <see cref="ConcurrencyBug"/> is handed.
/// </summary>
public sealed class IterationContext(ConcurrencyBug? bug, bool interleaveMemoryAccesses) : IRaceWindow
{
    [ThreadStatic] private static int t_thread;
    [ThreadStatic] private static long t_invocation;

    /// <summary>The seeded race the hooks, the lock and the memory call into; null for the real protocol.</summary>
    public ConcurrencyBug? Bug { get; } = bug;

    /// <summary>Every pool-memory read and write becomes a scheduling point (to expose races inside mutations).</summary>
    public bool InterleaveMemoryAccesses { get; } = interleaveMemoryAccesses;

    public HistoryRecorder Recorder { get; } = new();

    /// <summary>The concurrent phase's shared accesses, for the interleaving cells (<see cref="AccessInterleavingCells"/>).</summary>
    public SharedAccessLog Accesses { get; } = new();

    public volatile bool Active;

    /// <summary>The script thread running on this OS thread (0 = setup / the test's own thread).</summary>
    public static int CurrentThread { get => t_thread; set => t_thread = value; }

    /// <summary>Invocation stamp of the heap call this OS thread is in (0 = none): when an arena release it causes may begin.</summary>
    public static long CurrentInvocation { get => t_invocation; set => t_invocation = value; }

    /// <summary>Where <see cref="ArenaTable"/> comes from (the iteration's heap, set once it exists).</summary>
    public Func<ArenaObject[]>? ArenaTableSource { get; set; }

    public ArenaObject[] ArenaTable =>
        ArenaTableSource?.Invoke() ?? throw new InvalidOperationException("the arena table source is not set");

    public void Interleave()
    {
        if (Active) Microsoft.Coyote.Runtime.SchedulingPoint.Interleave();
    }

    /// <summary>A scheduling point before a shared access of the protocol, and the access logged where it then runs.</summary>
    public void Access(SharedAccess access)
    {
        if (!Active) return;
        Microsoft.Coyote.Runtime.SchedulingPoint.Interleave();
        Accesses.Record(CurrentThread, access, Recorder.Stamp(), CurrentInvocation);
    }
}
