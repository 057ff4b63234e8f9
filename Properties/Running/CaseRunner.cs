using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Running;

/// <summary>
/// Runs one case on a fresh heap over real memory, checking every step against the reference model, and stops at the
/// first divergence. After the operations comes an implicit teardown: free every live and foreign block (each free
/// checked like any other), then dispose the heap and require every arena back at the system boundary.
/// </summary>
public sealed class CaseRunner
{
    private readonly Geometry _geometry;
    private readonly ModelGeometry _model;
    private readonly HeapVariant _variant;
    private readonly bool _checkInvariants;

    /// <param name="checkInvariantsEveryStep">Run CheckInvariants() after every step (property 4).</param>
    public CaseRunner(Geometry geometry, HeapVariant variant, bool checkInvariantsEveryStep = true)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(variant);
        _geometry = PropertyGeometries.ForOracle(geometry, variant.Oracle);
        _geometry.Validate(variant.Oracle);
        _model = PropertyGeometries.ToModel(_geometry);
        _variant = variant;
        _checkInvariants = checkInvariantsEveryStep;
    }

    public Geometry Geometry => _geometry;
    public HeapVariant Variant => _variant;

    public RunOutcome Run(TestCase testCase)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        using var recorder = new MemoryRecorder((ulong)_geometry.PoolSize, testCase.ArenaHeadOffsets);
        IHeapDriver heap = _variant.Create(_geometry, recorder.Memory);
        var run = new Execution(this, heap, recorder);
        try
        {
            return run.Execute(testCase.Operations);
        }
        finally
        {
            heap.Dispose();
        }
    }

    /// <summary>The state of one run.</summary>
    private sealed unsafe class Execution(CaseRunner owner, IHeapDriver heap, MemoryRecorder recorder)
    {
        private ModelState _state = ModelState.Initial(owner._model, owner._variant.UnspecifiedMustBeOwned);
        private readonly HashSet<int> _everUsedSlots = [];
        private readonly ImmutableArray<StepTrace>.Builder _trace = ImmutableArray.CreateBuilder<StepTrace>();
        private readonly ImmutableArray<GarbageRecord>.Builder _garbage = ImmutableArray.CreateBuilder<GarbageRecord>();
        private readonly CoverageTable _coverage = new();

        public RunOutcome Execute(ImmutableArray<Operation> operations)
        {
            for (int i = 0; i < operations.Length; i++)
                if (Step(i, operations[i], teardown: false) is { } failure) return Outcome(failure, i + 1);

            int end = operations.Length;
            while (!_state.Blocks.IsEmpty)
                if (Step(end, new FreeOp(0), teardown: true) is { } failure) return Outcome(failure, end);
            while (!_state.Foreign.IsEmpty)
                if (Step(end, new ForeignFreeOp(0), teardown: true) is { } failure) return Outcome(failure, end);

            heap.Dispose();
            StepVerdict finish = ReferenceModel.Finish(_state, recorder.TakeEvents());
            _trace.Add(new StepTrace(end, new FreeOp(0), finish, Teardown: true));
            return Outcome(finish.Failed ? ToFailure(end, finish) : null, end);
        }

        private RunOutcome Outcome(FailureRecord? failure, int executed) =>
            new(failure, executed, _trace.ToImmutable(), _garbage.ToImmutable(), _coverage);

        private static FailureRecord ToFailure(int step, StepVerdict v) =>
            new(step, v.Family ?? PropertyFamily.Invariants, v.Expected, v.Observed, v.Message ?? v.ToString());

        private FailureRecord? Step(int index, Operation op, bool teardown)
        {
            Observation observed = ReferenceModel.SkipReason(_state, op) is null ? Observe(index, op) : Observation.None;
            StepResult result = ReferenceModel.Step(_state, op, observed);
            _state = result.State;
            _trace.Add(new StepTrace(index, op, result.Verdict, teardown));
            foreach (var (slot, i) in heap.ArenaTable.Select((s, i) => (s, i)))
                if (slot.Address != 0) _everUsedSlots.Add(i);
            return result.Verdict.Failed ? ToFailure(index, result.Verdict) : null;
        }

        private Observation Observe(int index, Operation op)
        {
            Observation observed;
            try
            {
                observed = op switch
                {
                    MallocOp m => new Observation { Address = heap.Malloc((ulong)m.Size) },
                    CallocOp c => new Observation { Address = heap.Calloc((ulong)c.Count, (ulong)c.Size) },
                    ReallocOp r => Release(_state.ResolveBlock(r.Handle)!, p => heap.Realloc(p, (ulong)r.Size)),
                    FreeOp f => Release(_state.ResolveBlock(f.Handle)!, p => { heap.Free(p); return p; }),
                    ForeignAllocOp a => new Observation { Address = recorder.ForeignAlloc((ulong)a.Size) },
                    ForeignFreeOp f => ForeignFree(_state.ResolveForeign(f.Handle)!),
                    QueryOp q => Query(index, q),
                    WriteTagOp w => WriteTag(_state.ResolveBlock(w.Handle)!),
                    CheckTagOp c => CheckTag(_state.ResolveBlock(c.Handle)!),
                    _ => throw new ArgumentException($"unknown operation {op.GetType().Name}"),
                };
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                recorder.DisarmIndexRead();
                return new Observation { Fault = $"{e.GetType().Name}: {e.Message}", Events = recorder.TakeEvents() };
            }
            observed = observed with { Events = recorder.TakeEvents() };
            if (owner._checkInvariants)
            {
                try
                {
                    heap.CheckInvariants();
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    observed = observed with { InvariantViolation = $"{e.GetType().Name}: {e.Message}" };
                }
            }
            return observed;
        }

        /// <summary>Free/realloc: the heap's ownership test must route the pointer right before anything is released.</summary>
        private Observation Release(LiveBlock block, Func<ulong, ulong> act)
        {
            bool owned = heap.IsOwned(block.Address);
            if (owned != (block.Kind == BlockKind.Pymalloc)) return new Observation { OwnedAnswer = owned, Address = block.Address };
            return new Observation { OwnedAnswer = owned, Address = act(block.Address) };
        }

        private Observation ForeignFree(ForeignBlock block)
        {
            bool owned = heap.IsOwned(block.Address);
            if (!owned) heap.Free(block.Address); // pymalloc would scribble on test memory: free only when routed right
            return new Observation { OwnedAnswer = owned, Address = block.Address };
        }

        private Observation Query(int index, QueryOp query)
        {
            ulong address = AddressResolver.Resolve(_state, query.Address)!.Value;
            Ownership spec = _state.OwnershipOf(address);
            AppliedGarbage garbage = ApplyGarbage(query.Garbage, address, spec);
            _coverage.RecordQuery(query.Address.Kind, spec, garbage);
            _garbage.Add(new GarbageRecord(index, garbage.Class, garbage.Value, garbage.Delivery));
            bool answer;
            try
            {
                answer = heap.IsOwned(address);
            }
            finally
            {
                recorder.DisarmIndexRead();
            }
            return new Observation { Address = address, OwnedAnswer = answer, Garbage = garbage };
        }

        /// <summary>
        /// Puts the resolved garbage where the classic oracle reads p's arena index: written into real memory when that
        /// word is test-owned and holds nothing live, else served to the one index read (see <see cref="GarbageDelivery"/>).
        /// An initialised pool header (spec Owned) is never touched — its index is not garbage.
        /// </summary>
        private AppliedGarbage ApplyGarbage(Garbage requested, ulong address, Ownership spec)
        {
            if (spec == Ownership.Owned) return new AppliedGarbage(requested.Class, 0, GarbageDelivery.NotApplied);
            var view = new ArenaTableView(heap.ArenaTable.Select(a => a.Address).ToArray(), _everUsedSlots, (ulong)owner._geometry.ArenaSize);
            var (value, actual) = GarbageResolver.Resolve(requested, view, address);
            ulong at = owner._model.PoolBaseOf(address) + PoolHeader.ArenaIndex;
            if (recorder.IsTestOwned(at, 4) && _state.FirstOverlap(at, 4) is null)
            {
                *(uint*)at = value;
                return new AppliedGarbage(actual, value, GarbageDelivery.Written);
            }
            recorder.ArmIndexRead(at, value);
            return new AppliedGarbage(actual, value, GarbageDelivery.Simulated);
        }

        private Observation WriteTag(LiveBlock block)
        {
            recorder.Check("tag write", block.Address, Math.Max(block.Size, 1));
            TagPattern.Fill(ReferenceModel.TagFor(_state), new Span<byte>((void*)block.Address, checked((int)block.Size)));
            return new Observation { Address = block.Address };
        }

        private Observation CheckTag(LiveBlock block)
        {
            ulong length = block.Content.ValidLength;
            if (length == 0) return new Observation { Address = block.Address };
            recorder.Check("tag read", block.Address, length);
            return new Observation
            {
                Address = block.Address,
                Content = [.. new ReadOnlySpan<byte>((void*)block.Address, checked((int)length))],
            };
        }
    }
}
