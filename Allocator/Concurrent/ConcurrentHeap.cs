using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator.Concurrent;

/// <summary>
/// A thread-safe pymalloc: every mutation runs under one lock (as under CPython's GIL), while
/// <see cref="IsOwned"/> takes no lock at all — a free-threaded runtime may ask "is this pointer
/// pymalloc's?" from any thread while others allocate, grow the arena table and hand arenas back.
/// That is safe because of the publication protocol in <c>docs/concurrency.md</c>: a grown table is
/// published whole, a slot's base is published last and unpublished before the arena's memory goes back,
/// and a reader works on one snapshot of the table.
/// </summary>
public sealed class ConcurrentHeap<TMemory, TOracle, THooks, TLock> : IDisposable
    where TMemory : struct, IMemorySpace
    where TOracle : struct, IOwnershipOracle
    where THooks : struct, IHeapHooks
    where TLock : struct, IMutationLock
{
    private readonly PymallocHeap<TMemory, TOracle, THooks> _heap;
    private TLock _lock; // not readonly: a readonly struct field would be copied at every call

    public ConcurrentHeap(Geometry geometry, TMemory memory = default, TOracle oracle = default,
                          THooks hooks = default, TLock mutationLock = default, HeapCheckLevel checks = HeapCheckLevel.Off)
    {
        _heap = new PymallocHeap<TMemory, TOracle, THooks>(geometry, memory, oracle, hooks, checks);
        _lock = mutationLock;
        _lock.Initialize();
    }

    public Geometry Geometry => _heap.Geometry;

    public ulong Malloc(ulong size)
    {
        Enter(Mutation.Malloc);
        try { return _heap.Malloc(size); }
        finally { _lock.Exit(Mutation.Malloc); }
    }

    public ulong Calloc(ulong count, ulong size)
    {
        Enter(Mutation.Calloc);
        try { return _heap.Calloc(count, size); }
        finally { _lock.Exit(Mutation.Calloc); }
    }

    public ulong Realloc(ulong address, ulong size)
    {
        Enter(Mutation.Realloc);
        try { return _heap.Realloc(address, size); }
        finally { _lock.Exit(Mutation.Realloc); }
    }

    public void Free(ulong address)
    {
        Enter(Mutation.Free);
        try { _heap.Free(address); }
        finally { _lock.Exit(Mutation.Free); }
    }

    /// <summary>The ownership oracle's answer, without the lock, for either oracle.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsOwned(ulong address) => _heap.IsOwned(address);

    /// <summary>The table a lock-free reader would see now (do not mutate it).</summary>
    public ArenaObject[] ArenaTableSnapshot => _heap.ArenaTableSnapshot;

    public HeapStats GetStats() => Inspect(static heap => heap.GetStats());

    /// <summary>Walks every structure under the lock; throws <see cref="HeapInvariantException"/> naming the broken rule.</summary>
    // Stryker disable once Boolean : Inspect's result is discarded; the lambda returns true only because Inspect takes a Func
    public void CheckInvariants() => Inspect(static heap => { heap.CheckInvariants(); return true; });

    /// <summary>Runs <paramref name="inspect"/> on the underlying heap with the lock held (tests, stats, memory contents).</summary>
    public T Inspect<T>(Func<PymallocHeap<TMemory, TOracle, THooks>, T> inspect)
    {
        ArgumentNullException.ThrowIfNull(inspect);
        _lock.Enter(Mutation.Inspect);
        try { return inspect(_heap); }
        finally { _lock.Exit(Mutation.Inspect); }
    }

    // Stryker disable once Boolean : Inspect's result is discarded; the lambda returns true only because Inspect takes a Func
    public void Dispose() => Inspect(static heap => { heap.Dispose(); return true; });

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Enter(Mutation mutation)
    {
        _lock.Enter(mutation);
        _heap.Hooks.Interleave(SharedAccess.MutationBegin);
    }
}
