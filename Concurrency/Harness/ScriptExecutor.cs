using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Concurrent;
using PymallocVerify.Concurrency.Scripts;
using PymallocVerify.Model.Linearizability;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// Runs one thread's script against the concurrent heap, stamping every invocation and response into the
/// iteration's history. Steps whose handle or address has nothing to refer to yet are skipped, unrecorded.
/// </summary>
internal sealed class ScriptExecutor<TOracle>(
    ConcurrentHeap<SimulatedMemory, TOracle, CoyoteHooks, CoyoteLock> heap,
    SimulatedMemory memory,
    IterationBoard board,
    int thread)
    where TOracle : struct, IOwnershipOracle
{
    private readonly List<int> _own = [];      // board entries this thread holds
    private readonly List<ulong> _foreign = [];
    private HistoryRecorder Recorder => memory.Space.Context.Recorder;

    public void Run(IEnumerable<ScriptOp> script)
    {
        IterationContext.CurrentThread = thread;
        foreach (var op in script) Step(op);
    }

    private void Step(ScriptOp op)
    {
        switch (op)
        {
            case MallocOp m:
                Adopt(Timed(() => heap.Malloc(m.Size), r => new MallocCall(m.Size, r)));
                break;
            case CallocOp c:
                Adopt(Timed(() => heap.Calloc(c.Count, c.Size), r => new CallocCall(c.Count, c.Size, r)));
                break;
            case ReallocOp r when TryOwn(r.Handle, out int slot):
                int entry = _own[slot];
                ulong old = board.AddressOf(entry);
                ulong moved = Timed(() => heap.Realloc(old, r.Size), result => new ReallocCall(old, r.Size, result));
                if (moved != 0)
                {
                    board.TryRetire(entry);
                    _own[slot] = board.Add(moved);
                }
                break;
            case FreeOp f when TryOwn(f.Handle, out int slot):
                int own = _own[slot];
                _own.RemoveAt(slot);
                if (board.TryRetire(own)) Free(board.AddressOf(own));
                break;
            case FreeBlockOp fb when board.Count > 0:
                int block = fb.Block % board.Count;
                if (board.TryRetire(block)) Free(board.AddressOf(block));
                break;
            case QueryOp q when Resolve(q.Address) is { } address:
                Timed(() => heap.IsOwned(address), owned => new IsOwnedCall(address, owned));
                break;
            case ForeignAllocOp fa:
                ulong foreign = Timed(() => memory.SystemMalloc(fa.Size), r => new ForeignAllocCall(fa.Size, r));
                if (foreign != 0) _foreign.Add(foreign);
                break;
            case ForeignFreeOp ff when _foreign.Count > 0:
                ulong gone = _foreign[ff.Handle % _foreign.Count];
                _foreign.Remove(gone);
                Timed(() => { memory.SystemFree(gone); return true; }, _ => new ForeignFreeCall(gone));
                break;
        }
    }

    private void Free(ulong address) => Timed(() => { heap.Free(address); return true; }, _ => new FreeCall(address));

    private void Adopt(ulong address)
    {
        if (address != 0) _own.Add(board.Add(address));
    }

    private bool TryOwn(int handle, out int slot)
    {
        _own.RemoveAll(entry => !board.IsLive(entry)); // another thread may have freed it via FreeBlock
        slot = _own.Count == 0 ? -1 : handle % _own.Count;
        return slot >= 0;
    }

    private ulong? Resolve(AddressExpr expr)
    {
        ulong offset = (ulong)expr.Offset;
        switch (expr.Base)
        {
            case AddressBase.Absolute:
                return offset;
            case AddressBase.Block when board.Count > 0:
                return board.AddressOf(expr.Index % board.Count) + offset;
            case AddressBase.Latest when board.Count > 0:
                return board.AddressOf(board.Count - 1 - expr.Index % board.Count) + offset;
            case AddressBase.Arena:
                var arenas = memory.Space.ArenasEverMapped;
                return arenas.Count == 0 ? null : arenas[expr.Index % arenas.Count] + offset;
            case AddressBase.Foreign when _foreign.Count > 0:
                return _foreign[expr.Index % _foreign.Count] + offset;
            default:
                return null;
        }
    }

    private T Timed<T>(Func<T> call, Func<T, HeapCall> describe)
    {
        long invoked = Recorder.Stamp();
        IterationContext.CurrentInvocation = invoked;
        T result;
        try { result = call(); }
        finally { IterationContext.CurrentInvocation = 0; }
        long returned = Recorder.Stamp();
        Recorder.Record(thread, invoked, returned, describe(result));
        return result;
    }
}
