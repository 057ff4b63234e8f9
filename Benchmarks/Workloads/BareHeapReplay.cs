using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Benchmarks.Workloads;

/// <summary>
/// The heap calls of a property campaign's cases without any checking: each case's malloc, calloc, realloc and
/// free in order, on a heap at <see cref="HeapCheckLevel.Off"/> over <see cref="NativeMemorySpace"/>, then a free
/// of every block still live (the checked run's teardown). Handles pick a live block as the reference model does
/// (<see cref="ModelState.SlotOf"/>); the other operations (queries, tags, foreign blocks) call no heap function
/// and are left out. What the checked run costs per operation is compared with this per heap call.
/// </summary>
public sealed class BareHeapReplay
{
    private enum Call : byte { Malloc, Calloc, Realloc, Free, EndOfCase }

    private readonly Call[] _calls;
    private readonly ulong[] _first;  // malloc/realloc size, calloc count, free/realloc handle
    private readonly ulong[] _second; // calloc size, realloc handle
    private readonly ulong[] _live;   // the case's live blocks, in handle order as in the model
    private readonly PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks> _heap;

    public BareHeapReplay(Geometry geometry, IEnumerable<TestCase> cases)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var calls = new List<Call>();
        var first = new List<ulong>();
        var second = new List<ulong>();
        int maxLive = 0;
        foreach (TestCase testCase in cases)
        {
            int live = 0, callsOfCase = 0;
            foreach (Operation op in testCase.Operations)
            {
                (Call call, ulong a, ulong b) = op switch
                {
                    MallocOp m => (Call.Malloc, (ulong)m.Size, 0UL),
                    CallocOp c => (Call.Calloc, (ulong)c.Count, (ulong)c.Size),
                    ReallocOp r when live > 0 => (Call.Realloc, (ulong)r.Size, (ulong)ModelState.SlotOf(r.Handle, live)),
                    FreeOp f when live > 0 => (Call.Free, (ulong)ModelState.SlotOf(f.Handle, live), 0UL),
                    _ => (Call.EndOfCase, 0UL, 0UL), // no heap call
                };
                if (call == Call.EndOfCase) continue;
                live += call switch { Call.Malloc or Call.Calloc => 1, Call.Free => -1, _ => 0 };
                maxLive = Math.Max(maxLive, live);
                callsOfCase++;
                calls.Add(call);
                first.Add(a);
                second.Add(b);
            }
            HeapCalls += callsOfCase + live; // the teardown frees every live block
            calls.Add(Call.EndOfCase);
            first.Add(0);
            second.Add(0);
        }
        (_calls, _first, _second) = ([.. calls], [.. first], [.. second]);
        _live = new ulong[Math.Max(maxLive, 1)];
        _heap = new PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks>(geometry);
    }

    /// <summary>Heap calls one <see cref="Run"/> makes, teardown frees included.</summary>
    public int HeapCalls { get; }

    public PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks> Heap => _heap;

    /// <summary>Replays every case once; returns the heap calls made.</summary>
    public int Run()
    {
        var heap = _heap;
        ulong[] liveBlocks = _live;
        int live = 0, made = 0;
        for (int i = 0; i < _calls.Length; i++)
        {
            switch (_calls[i])
            {
                case Call.Malloc:
                    liveBlocks[live++] = heap.Malloc(_first[i]);
                    break;
                case Call.Calloc:
                    liveBlocks[live++] = heap.Calloc(_first[i], _second[i]);
                    break;
                case Call.Realloc:
                    ref ulong block = ref liveBlocks[(int)_second[i]];
                    block = heap.Realloc(block, _first[i]);
                    break;
                case Call.Free:
                    int slot = (int)_first[i];
                    heap.Free(liveBlocks[slot]);
                    Array.Copy(liveBlocks, slot + 1, liveBlocks, slot, live - slot - 1); // the model keeps handle order
                    live--;
                    break;
                default: // end of a case: its teardown
                    for (int k = 0; k < live; k++) heap.Free(liveBlocks[k]);
                    made += live;
                    live = 0;
                    continue;
            }
            made++;
        }
        return made;
    }
}
