using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Concurrent;
using PymallocVerify.Concurrency.Scripts;
using PymallocVerify.Model;
using PymallocVerify.Model.Linearizability;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// Runs one thread's script against the concurrent heap, stamping every invocation and response into the
/// iteration's history. The model's operations act on this thread's own live and foreign lists, with the model's
/// handle rule (<see cref="ModelState.SlotOf"/>); steps whose handle or address has nothing to refer to yet are
/// skipped, unrecorded.
/// </summary>
internal sealed class ScriptExecutor<TOracle>(
    ConcurrentHeap<ControlledMemory, TOracle, CoyoteHooks, CoyoteLock> heap,
    ControlledMemory memory,
    IterationBoard board,
    int thread)
    where TOracle : struct, IOwnershipOracle
{
    private readonly List<int> _own = [];      // board entries this thread holds
    private readonly List<ulong> _foreign = [];
    private HistoryRecorder Recorder => memory.Context.Recorder;

    public void Run(IEnumerable<Operation> script)
    {
        IterationContext.CurrentThread = thread;
        foreach (var op in script) Step(op);
    }

    private void Step(Operation op)
    {
        switch (op)
        {
            case MallocOp m:
                Adopt(Timed(() => heap.Malloc((ulong)m.Size), r => new MallocCall((ulong)m.Size, r)));
                break;
            case CallocOp c:
                Adopt(Timed(() => heap.Calloc((ulong)c.Count, (ulong)c.Size), r => new CallocCall((ulong)c.Count, (ulong)c.Size, r)));
                break;
            case ReallocOp r when TryOwn(r.Handle, out int slot):
                int entry = _own[slot];
                // Claim the block first, as Free does: another thread's FreeBlock must not free it while it moves.
                if (!board.TryRetire(entry)) { _own.RemoveAt(slot); break; }
                ulong old = board.AddressOf(entry);
                ulong moved = Timed(() => heap.Realloc(old, (ulong)r.Size), result => new ReallocCall(old, (ulong)r.Size, result));
                _own[slot] = board.Add(moved != 0 ? moved : old); // a failed realloc leaves the old block live
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
            case ConcurrentQueryOp q when Resolve(q.Address) is { } address:
                Timed(() => heap.IsOwned(address), owned => new IsOwnedCall(address, owned));
                break;
            case ForeignAllocOp fa:
                ulong foreign = Timed(() => memory.SystemMalloc((ulong)fa.Size), r => new ForeignAllocCall((ulong)fa.Size, r));
                if (foreign != 0) _foreign.Add(foreign);
                break;
            case ForeignFreeOp ff when _foreign.Count > 0:
                ulong gone = _foreign[ModelState.SlotOf(ff.Handle, _foreign.Count)];
                _foreign.Remove(gone);
                Timed(() => { heap.Free(gone); return true; }, _ => new ForeignFreeCall(gone)); // the heap must route it to the system
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
        slot = ModelState.SlotOf(handle, _own.Count);
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
                var arenas = memory.Arenas.EverMapped;
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
