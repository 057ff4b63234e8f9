using System.Runtime.InteropServices;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Families.Smoke;

/// <summary>
/// Executes a smoke script on real memory laid out by the seed (<see cref="SmokeMemory"/>) against a heap with oracle <typeparamref name="TOracle"/> and hooks
/// <typeparamref name="THooks"/>. Every pointer's ownership is asked before it is freed or reallocated, so a
/// wrong answer stops the run as a failure instead of letting the heap corrupt memory it does not own.
/// </summary>
internal sealed unsafe class SmokeExecution<TOracle, THooks>
    where TOracle : struct, IOwnershipOracle
    where THooks : struct, IHeapHooks
{
    private readonly record struct LiveBlock(ulong Address, ulong Size, byte Pattern, bool Owned);

    private sealed class SmokeFailure(string message) : Exception(message);

    private const int ProgressInterval = 256;

    private readonly SmokeScript _script;
    private readonly Coverage _coverage;
    private readonly IProgressReporter _progress;
    private readonly Action<int, SmokeOp, string>? _trace;
    private readonly ulong _threshold;
    private readonly ulong _poolSize;
    private readonly List<LiveBlock> _live = [];
    private readonly HashSet<int> _everLiveSlots = [];
    private readonly ulong[] _regions;
    private byte _nextPattern = 1;

    private SmokeExecution(SmokeScript script, Coverage coverage, IProgressReporter progress, Action<int, SmokeOp, string>? trace)
    {
        _script = script;
        _coverage = coverage;
        _progress = progress;
        _trace = trace;
        _threshold = (ulong)script.Geometry.SmallRequestThreshold;
        _poolSize = (ulong)script.Geometry.PoolSize;
        _regions = new ulong[script.Queries && script.ForeignPointersSafe ? SmokeScript.ForeignRegions : 0];
    }

    public static SmokeRunResult Run(SmokeScript script, Coverage coverage, IProgressReporter progress,
                                     Action<int, SmokeOp, string>? trace, bool snapshot)
    {
        var execution = new SmokeExecution<TOracle, THooks>(script, coverage, progress, trace);
        return execution.Execute(snapshot);
    }

    private SmokeRunResult Execute(bool snapshot)
    {
        using var memory = new SmokeMemory.State(_script.Geometry, _script.Seed);
        try
        {
            for (int r = 0; r < _regions.Length; r++)
            {
                // Pool-aligned, so a query's pool base is the region's first byte, where the garbage is written.
                _regions[r] = (ulong)NativeMemory.AlignedAlloc((nuint)_poolSize, (nuint)_poolSize);
                NativeMemory.Clear((void*)_regions[r], (nuint)_poolSize);
            }
            return ExecuteOn(memory, snapshot);
        }
        finally
        {
            foreach (ulong region in _regions)
                if (region != 0) NativeMemory.AlignedFree((void*)region);
        }
    }

    /// <summary>The heap is disposed (its arenas returned) before the memory space frees what a failure left behind.</summary>
    private SmokeRunResult ExecuteOn(SmokeMemory.State memory, bool snapshot)
    {
        Geometry geometry = _script.Geometry;
        using var heap = new PymallocHeap<SmokeMemory, TOracle, THooks>(geometry, new SmokeMemory(memory), checks: HeapCheckLevel.Pointers);
        long operations = 0;
        int step = 0;
        string current = "setup";
        HeapSnapshot? tables = null;
        try
        {
            var workload = new SmokeWorkload(geometry, _script.Workload, _script.Seed, _script.WorkloadLength,
                allowLargeRequests: _script.ForeignPointersSafe, allowQueries: _script.Queries, foreignRegions: _regions.Length);

            for (; step < _script.Steps; step++)
            {
                SmokeOp op = workload.Next(_live.Count);
                current = op.ToString();
                string outcome = Apply(heap, op);
                _trace?.Invoke(step, op, outcome);
                operations++;
                if ((step + 1) % _script.InvariantInterval == 0)
                {
                    current = $"CheckInvariants() after {op}";
                    heap.CheckInvariants();
                    CheckOracleInvariants(heap);
                }
                if (operations % ProgressInterval == 0) _progress.Advance(ProgressInterval);
            }

            current = "CheckInvariants() at the end of the workload";
            heap.CheckInvariants();
            CheckOracleInvariants(heap);
            if (snapshot)
            {
                string? oracleStats = (object)heap.Oracle is RadixTreeOracle radix ? radix.Map.GetStats().ToString() : null;
                tables = new HeapSnapshot(heap.GetStats(), (ArenaObject[])heap.ArenaTableSnapshot.Clone(), _live.Count, oracleStats);
            }

            // Teardown: every block is checked and freed; the heap must then hold at most the one arena
            // CPython 3.9+ keeps (the last usable arena is not returned, to avoid thrashing).
            while (_live.Count > 0)
            {
                var op = new SmokeOp(SmokeOpKind.Free, Handle: _live.Count - 1);
                current = $"teardown {op}";
                string outcome = Apply(heap, op);
                _trace?.Invoke(step, op, outcome);
                operations++;
                step++;
            }
            current = "CheckInvariants() after freeing every block";
            heap.CheckInvariants();
            Expect(heap.LiveArenaCount <= 1,
                $"{heap.LiveArenaCount} arenas are still live after every block was freed; at most 1 may be kept");
            Expect(memory.LiveSystemBlocks == 0,
                $"{memory.LiveSystemBlocks} system blocks are still allocated after every block was freed");
            _progress.Advance(operations % ProgressInterval);
            return new SmokeRunResult(operations, null, null, null, tables);
        }
        catch (SmokeFailure failure)
        {
            return Failed(failure.Message);
        }
        catch (HeapInvariantException e)
        {
            return Failed(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return Failed($"{e.GetType().Name}: {e.Message}");
        }

        SmokeRunResult Failed(string message)
        {
            _progress.Advance(operations % ProgressInterval);
            return new SmokeRunResult(operations + 1, step, current, message, tables);
        }
    }

    private string Apply(PymallocHeap<SmokeMemory, TOracle, THooks> heap, SmokeOp op)
    {
        switch (op.Kind)
        {
            case SmokeOpKind.Malloc:
            {
                ulong p = heap.Malloc(op.Size);
                return Adopt(heap, p, op.Size, IsSmall(op.Size), "Malloc", zeroed: false);
            }
            case SmokeOpKind.Calloc:
            {
                ulong total = op.Count * op.Size;
                ulong p = heap.Calloc(op.Count, op.Size);
                return Adopt(heap, p, total, IsSmall(total), "Calloc", zeroed: true);
            }
            case SmokeOpKind.Realloc:
            {
                LiveBlock block = _live[op.Handle];
                CheckBeforeHandingBack(heap, block);
                ulong p = heap.Realloc(block.Address, op.Size);
                Expect(p != 0, $"Realloc(0x{block.Address:x}, {op.Size}) returned 0");
                _live.RemoveAt(op.Handle);
                ulong kept = Math.Min(block.Size, op.Size);
                Expect(Span(p, kept).IndexOfAnyExcept(block.Pattern) < 0,
                    $"Realloc to {op.Size} bytes lost the first {kept} bytes of the block's contents");
                // A foreign (system) block is never adopted by pymalloc, whatever its new size.
                bool owned = block.Owned && IsSmall(op.Size);
                string outcome = Adopt(heap, p, op.Size, owned, "Realloc", zeroed: false);
                // Keep the handle numbering stable: the reallocated block takes its old place.
                LiveBlock moved = _live[^1];
                _live.RemoveAt(_live.Count - 1);
                _live.Insert(op.Handle, moved);
                return outcome;
            }
            case SmokeOpKind.Free:
            {
                LiveBlock block = _live[op.Handle];
                CheckBeforeHandingBack(heap, block);
                heap.Free(block.Address);
                _live[op.Handle] = _live[^1];
                _live.RemoveAt(_live.Count - 1);
                NoteLiveSlots(heap);
                return $"freed 0x{block.Address:x}";
            }
            case SmokeOpKind.QueryBlock:
            {
                LiveBlock block = _live[op.Handle];
                ulong extent = Math.Max(block.Size, 1);
                ulong address = op.Part switch
                {
                    BlockPart.Interior => block.Address + extent / 2,
                    BlockPart.LastByte => block.Address + extent - 1,
                    _ => block.Address,
                };
                if (!block.Owned && !_script.ForeignPointersSafe) return "skipped (foreign pointer, pool larger than a page)";
                ExpectOwnership(heap, address, block.Owned, block.Owned ? SmokeCoverage.BlockKind(op.Part) : SmokeCoverage.SystemBlock);
                return block.Owned ? "owned" : "not owned";
            }
            case SmokeOpKind.QueryForeign:
            {
                ulong region = _regions[op.Region];
                (uint garbage, GarbageClass used) = GarbageValue(heap, op);
                *(uint*)(region + PoolHeader.ArenaIndex) = garbage;
                ulong address = op.Part switch
                {
                    BlockPart.Interior => region + _poolSize / 2,
                    BlockPart.LastByte => region + _poolSize - 1,
                    _ => region,
                };
                _coverage.CountGarbage(SmokeCoverage.GarbageName(used));
                ExpectOwnership(heap, address, false, SmokeCoverage.ForeignKind(op.Part),
                    $" (foreign region, arena index at its pool base = {garbage}, {SmokeCoverage.GarbageName(used)})");
                return $"not owned (index {garbage})";
            }
            default:
                throw new InvalidOperationException($"unknown smoke operation {op.Kind}");
        }
    }

    /// <summary>The radix oracle keeps its own structure (the arena map); its invariants are checked alongside the heap's.</summary>
    private static void CheckOracleInvariants(PymallocHeap<SmokeMemory, TOracle, THooks> heap)
    {
        if ((object)heap.Oracle is RadixTreeOracle radix) radix.Map.CheckInvariants();
    }

    private bool IsSmall(ulong size) => size - 1 < _threshold;

    /// <summary>Checks a new block (alignment, ownership, calloc zeroing), fills it with a fresh pattern, tracks it.</summary>
    private string Adopt(PymallocHeap<SmokeMemory, TOracle, THooks> heap, ulong p, ulong size, bool owned, string what, bool zeroed)
    {
        Expect(p != 0, $"{what} of {size} bytes returned 0");
        if (owned)
            Expect(p % (ulong)_script.Geometry.Alignment == 0, $"{what} returned 0x{p:x}, not {_script.Geometry.Alignment}-byte aligned");
        NoteLiveSlots(heap);
        if (owned || _script.ForeignPointersSafe)
            ExpectOwnership(heap, p, owned, owned ? SmokeCoverage.BlockKind(BlockPart.Base) : SmokeCoverage.SystemBlock);
        if (zeroed)
            Expect(Span(p, size).IndexOfAnyExcept((byte)0) < 0, $"{what} returned memory that is not zeroed");
        byte pattern = _nextPattern++;
        if (_nextPattern == 0) _nextPattern = 1;
        Span(p, size).Fill(pattern);
        _live.Add(new LiveBlock(p, size, pattern, owned));
        return $"0x{p:x} ({(owned ? "pymalloc" : "system")})";
    }

    /// <summary>Before Free/Realloc: contents intact, and the oracle routes the pointer where it came from.</summary>
    private void CheckBeforeHandingBack(PymallocHeap<SmokeMemory, TOracle, THooks> heap, LiveBlock block)
    {
        Expect(Span(block.Address, block.Size).IndexOfAnyExcept(block.Pattern) < 0,
            $"the contents of block 0x{block.Address:x} ({block.Size} bytes) changed while it was live");
        if (block.Owned || _script.ForeignPointersSafe)
            ExpectOwnership(heap, block.Address, block.Owned,
                block.Owned ? SmokeCoverage.BlockKind(BlockPart.Base) : SmokeCoverage.SystemBlock);
    }

    private void ExpectOwnership(PymallocHeap<SmokeMemory, TOracle, THooks> heap, ulong address, bool expected,
                                 string addressKind, string detail = "")
    {
        _coverage.CountAddress(addressKind);
        bool answer = heap.IsOwned(address);
        Expect(answer == expected,
            $"IsOwned(0x{address:x}) = {answer.ToString().ToLowerInvariant()}, expected {expected.ToString().ToLowerInvariant()} ({addressKind}){detail}");
    }

    /// <summary>The index to plant for a garbage class; a class the current table cannot provide falls back, and
    /// coverage records the class actually used.</summary>
    private (uint Value, GarbageClass Used) GarbageValue(PymallocHeap<SmokeMemory, TOracle, THooks> heap, SmokeOp op)
    {
        ArenaObject[] table = heap.ArenaTableSnapshot;
        uint length = (uint)table.Length;
        var live = new List<int>();
        var released = new List<int>();
        var neverUsed = new List<int>();
        for (int i = 0; i < table.Length; i++)
        {
            if (table[i].Address != 0) live.Add(i);
            else if (_everLiveSlots.Contains(i)) released.Add(i);
            else neverUsed.Add(i);
        }
        uint Pick(List<int> slots) => (uint)slots[(int)(op.RandomValue % (uint)slots.Count)];
        return op.Garbage switch
        {
            GarbageClass.TableLength => (length, GarbageClass.TableLength),
            GarbageClass.TableLengthPlusOne => (length + 1, GarbageClass.TableLengthPlusOne),
            GarbageClass.UIntMax => (uint.MaxValue, GarbageClass.UIntMax),
            GarbageClass.LiveSlot when live.Count > 0 => (Pick(live), GarbageClass.LiveSlot),
            GarbageClass.ReleasedSlot when released.Count > 0 => (Pick(released), GarbageClass.ReleasedSlot),
            GarbageClass.NeverUsedSlot or GarbageClass.LiveSlot or GarbageClass.ReleasedSlot when neverUsed.Count > 0
                => (Pick(neverUsed), GarbageClass.NeverUsedSlot),
            GarbageClass.Random => (op.RandomValue, GarbageClass.Random),
            _ => (length, GarbageClass.TableLength),
        };
    }

    private void NoteLiveSlots(PymallocHeap<SmokeMemory, TOracle, THooks> heap)
    {
        ArenaObject[] table = heap.ArenaTableSnapshot;
        for (int i = 0; i < table.Length; i++)
            if (table[i].Address != 0) _everLiveSlots.Add(i);
    }

    private static Span<byte> Span(ulong address, ulong size) => new((void*)address, checked((int)size));

    private static void Expect(bool condition, string message)
    {
        if (!condition) throw new SmokeFailure(message);
    }
}
