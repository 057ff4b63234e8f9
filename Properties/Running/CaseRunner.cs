using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Running;

/// <summary>
/// Runs one case on a fresh heap over real or simulated memory, checking every step against the reference model, and stops at the
/// first divergence. After the operations comes an implicit teardown: free every live and foreign block (each free
/// checked like any other), then dispose the heap and require every arena back at the system boundary.
/// </summary>
public sealed class CaseRunner
{
    private readonly Geometry _geometry;
    private readonly ModelGeometry _model;
    private readonly HeapVariant _variant;
    private readonly bool _checkInvariants;
    private readonly bool _trackSituations;

    /// <param name="checkInvariantsEveryStep">Run the heap at <see cref="HeapCheckLevel.Full"/>: its and its oracle's
    /// invariants after every mutation (property 4).</param>
    /// <param name="trackSituations">Classify every step's allocator situation into the outcome's coverage table (the
    /// properties campaign reports it); the explorer, which counts states instead, turns it off — it is a third of a
    /// transition's time there and checks nothing.</param>
    public CaseRunner(Geometry geometry, HeapVariant variant, bool checkInvariantsEveryStep = true, bool trackSituations = true)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        ArgumentNullException.ThrowIfNull(variant);
        _geometry = PropertyGeometries.ForOracle(geometry, variant.Oracle);
        _geometry.Validate(variant.Oracle);
        _model = PropertyGeometries.ToModel(_geometry);
        _variant = variant;
        _checkInvariants = checkInvariantsEveryStep;
        _trackSituations = trackSituations;
    }

    public Geometry Geometry => _geometry;
    public HeapVariant Variant => _variant;

    /// <summary>Runs <paramref name="testCase"/> on its backend: real memory, or the simulated space when it has a layout.</summary>
    /// <param name="snapshotAfter">After this many operations (before the rest and the teardown), <paramref name="snapshot"/>
    /// sees the model state, the heap and the backend — how the explorer hashes the state it reached. It returns whether
    /// the run goes on: false ends it there, <see cref="RunOutcome.Stopped"/>, with no teardown (the explorer stops a
    /// transition that reached a state whose checks run elsewhere).</param>
    /// <param name="replayed">A prefix of the case (its first <c>replayed.Count</c> operations) an earlier run checked in
    /// full: model, memcheck, ownership questions, invariants. The heap is deterministic, so the same operations on a fresh
    /// heap reach the same heap again, and the runner does not check them again: the heap runs at
    /// <see cref="HeapCheckLevel.Pointers"/> and, with invariants on, the runner audits itself from the first step after
    /// the prefix (the radix oracle's span probes start there too). An entry is the model state that run recorded after
    /// that step, or null. With a state the step is only replayed (<see cref="Execution.Replay"/>): the model takes the
    /// state instead of stepping, and the step leaves no trace; each allocation must return an address where the state
    /// holds a block of the size asked for, and each release must be routed as before, or the run throws
    /// <see cref="InvalidOperationException"/> (the prefix was not this run's: a bug of the caller). Without one the model
    /// steps and checks as usual. Null: no prefix, every step at <see cref="HeapCheckLevel.Full"/>. The explorer replays the path to a state it already checked, then
    /// checks the new operation onwards.</param>
    /// <param name="teardownOrder">Picks the teardown's next free (a <see cref="FreeOp"/> or <see cref="ForeignFreeOp"/> of
    /// a live handle); null: live blocks in handle order, then foreign blocks. The explorer frees in an order that does
    /// not depend on handles, so states equal up to a renaming of handles have the same teardown.</param>
    /// <param name="stop">Stops a long run (a workload of thousands of steps) between steps: the outcome is then
    /// <see cref="RunOutcome.Stopped"/>, with the steps before it checked and no teardown.</param>
    public RunOutcome Run(TestCase testCase, int snapshotAfter = -1, Func<ModelState, IHeapDriver, ICaseBackend, bool>? snapshot = null,
        IReadOnlyList<ModelState?>? replayed = null, Func<ModelState, Operation>? teardownOrder = null, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        int replayedSteps = replayed?.Count ?? 0;
        if (replayedSteps > testCase.Operations.Length)
            throw new ArgumentException($"a replayed prefix of {replayedSteps} steps in a case of {testCase.Operations.Length} operations", nameof(replayed));
        using ICaseBackend backend = testCase.Layout is { } layout
            ? new SimulatedCaseBackend(_geometry, layout)
            : new NativeCaseBackend((ulong)_geometry.PoolSize, testCase.ArenaHeadOffsets);
        bool explicitAudit = _checkInvariants && replayedSteps > 0;
        HeapCheckLevel level = !_checkInvariants ? HeapCheckLevel.Off : explicitAudit ? HeapCheckLevel.Pointers : HeapCheckLevel.Full;
        IHeapDriver heap = backend.CreateHeap(_variant, _geometry, level);
        var run = new Execution(this, heap, backend)
        {
            AuditFrom = explicitAudit ? replayedSteps : int.MaxValue,
            Replayed = replayed ?? [],
            TeardownOrder = teardownOrder,
        };
        try
        {
            return run.Execute(testCase.Operations, snapshotAfter, snapshot, stop);
        }
        finally
        {
            heap.Dispose();
        }
    }

    /// <summary>A failure the runner itself found in a step (memcheck, garbage dependence, the radix answer).</summary>
    private sealed record RunnerFinding(PropertyFamily Family, string Expected, string Message);

    /// <summary>How often a run looks at its stop token: every 64 steps, a few microseconds apart.</summary>
    private const int StopPollMask = 63;

    /// <summary>The state of one run.</summary>
    private sealed class Execution(CaseRunner owner, IHeapDriver heap, ICaseBackend backend)
    {
        private ModelState _state = ModelState.Initial(owner._model, owner._variant.UnspecifiedMustBeOwned);
        private readonly HashSet<int> _everUsedSlots = [];
        private bool[] _slotSeen = []; // _everUsedSlots as flags: the scan after every step then tests, not hashes
        private readonly ImmutableArray<StepTrace>.Builder _trace = ImmutableArray.CreateBuilder<StepTrace>();
        private readonly ImmutableArray<GarbageRecord>.Builder _garbage = ImmutableArray.CreateBuilder<GarbageRecord>();
        private readonly CoverageTable _coverage = new();
        private readonly SituationTracker _situations = new(owner._model);
        private RunnerFinding? _finding;
        private bool _auditStep;

        /// <summary>Which block (FreeOp) or foreign block (ForeignFreeOp) the teardown frees next; null: live blocks in handle
        /// order, then foreign blocks in handle order.</summary>
        public Func<ModelState, Operation>? TeardownOrder { get; init; }

        /// <summary>The first step the runner audits itself (the heap runs at Pointers); int.MaxValue when the heap audits.</summary>
        public int AuditFrom { get; init; } = int.MaxValue;

        /// <summary>The prefix an earlier run checked: per step, the model state it recorded after it (<see cref="Replay"/>)
        /// or null (the model steps again). Its steps skip the radix span probes.</summary>
        public IReadOnlyList<ModelState?> Replayed { get; init; } = [];

        public RunOutcome Execute(ImmutableArray<Operation> operations, int snapshotAfter,
            Func<ModelState, IHeapDriver, ICaseBackend, bool>? snapshot, CancellationToken stop)
        {
            for (int i = 0; i < operations.Length; i++)
            {
                if ((i & StopPollMask) == 0 && stop.IsCancellationRequested) return Outcome(null, i) with { Stopped = true };
                if (i == snapshotAfter && snapshot?.Invoke(_state, heap, backend) == false) return Outcome(null, i) with { Stopped = true };
                if (i < Replayed.Count && Replayed[i] is { } recorded)
                {
                    Replay(i, operations[i], recorded);
                    continue;
                }
                if (Step(i, operations[i], teardown: false) is { } failure) return Outcome(failure, i + 1);
            }
            if (snapshotAfter >= operations.Length && snapshot?.Invoke(_state, heap, backend) == false)
                return Outcome(null, operations.Length) with { Stopped = true };

            int end = operations.Length;
            while (!_state.Blocks.IsEmpty || !_state.Foreign.IsEmpty)
            {
                Operation next = TeardownOrder?.Invoke(_state) ?? (_state.Blocks.IsEmpty ? new ForeignFreeOp(0) : new FreeOp(0));
                if (Step(end, next, teardown: true) is { } failure) return Outcome(failure, end);
            }

            backend.BeginStep(end);
            heap.Dispose();
            StepVerdict finish = ReferenceModel.Finish(_state, backend.TakeEvents());
            if (!finish.Failed && backend.EndStep(owner._variant) is { } memcheck)
                finish = StepVerdict.Fail(PropertyFamily.Memcheck, "no memcheck error", "an error at dispose", memcheck);
            _trace.Add(new StepTrace(end, new FreeOp(0), finish, Teardown: true));
            return Outcome(finish.Failed ? ToFailure(end, finish) : null, end);
        }

        private RunOutcome Outcome(FailureRecord? failure, int executed) =>
            new(failure, executed, _trace.ToImmutable(), _garbage.ToImmutable(), _coverage);

        private static FailureRecord ToFailure(int step, StepVerdict v) =>
            new(step, v.Family ?? PropertyFamily.Invariants, v.Expected, v.Observed, v.Message ?? v.ToString());

        private FailureRecord? Step(int index, Operation op, bool teardown)
        {
            _finding = null;
            _auditStep = index >= AuditFrom;
            backend.BeginStep(index);
            Observation observed = ReferenceModel.SkipReason(_state, op) is null ? Observe(op, index) : Observation.None;
            StepResult result = ReferenceModel.Step(_state, op, observed);
            ModelState before = _state;
            _state = result.State;
            StepVerdict verdict = result.Verdict;
            if (!verdict.Failed && !teardown && owner._trackSituations) _situations.Record(before, _state, op, heap.ArenaTable, _coverage);
            if (!verdict.Failed && owner._variant.AnswersWithRadix && index >= Replayed.Count) CheckArenaSpans();
            if (!verdict.Failed && backend.EndStep(owner._variant) is { } memcheck)
                _finding ??= new RunnerFinding(PropertyFamily.Memcheck, "no memcheck error", memcheck);
            if (!verdict.Failed && _finding is { } found)
                verdict = StepVerdict.Fail(found.Family, found.Expected, verdict.Observed, found.Message);
            _trace.Add(new StepTrace(index, op, verdict, teardown));
            NoteUsedSlots();
            return verdict.Failed ? ToFailure(index, verdict) : null;
        }

        /// <summary>Records the arena slots that ever held an arena (garbage aims at them: a released slot keeps its place).</summary>
        private void NoteUsedSlots()
        {
            ArenaObject[] table = heap.ArenaTable;
            if (_slotSeen.Length < table.Length) Array.Resize(ref _slotSeen, table.Length);
            for (int i = 0; i < table.Length; i++)
            {
                if (_slotSeen[i] || table[i].Address == 0) continue;
                _slotSeen[i] = true;
                _everUsedSlots.Add(i);
            }
        }

        /// <summary>
        /// Step <paramref name="index"/> of a prefix an earlier run checked, reaching the model state <paramref name="after"/>
        /// it recorded: the same heap calls as <see cref="Observe"/> makes (the ownership test before a release included, so
        /// the heap sees the same sequence), without the model's step, the backend's garbage re-evaluation, memcheck's
        /// verdict or a trace entry — that run did them on the same bytes. What stays is cheap and catches a prefix
        /// that is not this run's: the release must be routed as the block's kind says and complete, and an allocation
        /// must return an address where <paramref name="after"/> holds a block of the size asked for.
        /// </summary>
        private void Replay(int index, Operation op, ModelState after)
        {
            backend.BeginStep(index);
            string? diverged;
            try
            {
                diverged = ReferenceModel.SkipReason(_state, op) is null ? ReplayMutation(op, after) : null;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                diverged = $"it threw {e.GetType().Name}: {e.Message}";
            }
            backend.TakeEvents();
            if (diverged is not null)
                throw new InvalidOperationException(
                    $"replayed step {index} ({ReferenceModel.Describe(op)}) diverged from the run that recorded it: {diverged}");
            _state = after;
            NoteUsedSlots();
        }

        /// <summary>Makes <paramref name="op"/>'s heap calls; returns how it differs from the recorded run, or null.</summary>
        private string? ReplayMutation(Operation op, ModelState after)
        {
            switch (op)
            {
                case MallocOp m:
                    return Holds(after, heap.Malloc((ulong)m.Size), (ulong)m.Size);
                case CallocOp c:
                    return Holds(after, heap.Calloc((ulong)c.Count, (ulong)c.Size), (ulong)c.Count * (ulong)c.Size);
                case ReallocOp r:
                {
                    LiveBlock block = _state.ResolveBlock(r.Handle)!;
                    return Misrouted(block.Address, block.Kind == BlockKind.Pymalloc)
                        ?? Holds(after, heap.Realloc(block.Address, (ulong)r.Size), (ulong)r.Size);
                }
                case FreeOp f:
                {
                    LiveBlock block = _state.ResolveBlock(f.Handle)!;
                    if (Misrouted(block.Address, block.Kind == BlockKind.Pymalloc) is { } wrong) return wrong;
                    heap.Free(block.Address);
                    return null;
                }
                case ForeignAllocOp a:
                {
                    ulong address = backend.ForeignAlloc((ulong)a.Size);
                    return after.Foreign.Exists(b => b.Address == address) ? null : $"foreign block 0x{address:x} is not in the recorded state";
                }
                case ForeignFreeOp f:
                {
                    ulong address = _state.ResolveForeign(f.Handle)!.Address;
                    if (Misrouted(address, owned: false) is { } wrong) return wrong;
                    heap.Free(address);
                    return null;
                }
                default:
                    return $"{ReferenceModel.Describe(op)} is not a mutation";
            }
        }

        private string? Misrouted(ulong address, bool owned) =>
            heap.IsOwned(address) == owned ? null : $"the ownership test now answers {!owned} for 0x{address:x}".ToLowerInvariant();

        private static string? Holds(ModelState after, ulong address, ulong size) =>
            after.BlockAt(address) is { } block && block.Size == size ? null
                : $"it returned 0x{address:x}, where the recorded state holds no block of {size} bytes";

        private Observation Observe(Operation op, int index)
        {
            Observation observed;
            try
            {
                observed = op switch
                {
                    MallocOp m => new Observation { Address = Audit(op, heap.Malloc((ulong)m.Size)) },
                    CallocOp c => new Observation { Address = Audit(op, heap.Calloc((ulong)c.Count, (ulong)c.Size)) },
                    ReallocOp r => Release(_state.ResolveBlock(r.Handle)!, r),
                    FreeOp f => Release(_state.ResolveBlock(f.Handle)!, f),
                    ForeignAllocOp a => new Observation { Address = backend.ForeignAlloc((ulong)a.Size) },
                    ForeignFreeOp f => ForeignFree(_state.ResolveForeign(f.Handle)!),
                    QueryOp q => Query(q, index),
                    WriteTagOp w => WriteTag(_state.ResolveBlock(w.Handle)!),
                    CheckTagOp c => CheckTag(_state.ResolveBlock(c.Handle)!),
                    _ => throw new ArgumentException($"unknown operation {op.GetType().Name}"),
                };
            }
            catch (HeapInvariantException e)
            {
                // The heap (HeapCheckLevel.Full) stopped at the mutation that broke a rule.
                return new Observation { Fault = e.Message, InvariantViolation = e.Message, Events = backend.TakeEvents() };
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return new Observation { Fault = $"{e.GetType().Name}: {e.Message}", Events = backend.TakeEvents() };
            }
            ImmutableArray<SystemEvent> events = backend.TakeEvents();
            return events.IsEmpty ? observed : observed with { Events = events }; // most steps make no system call
        }

        /// <summary>
        /// Every ownership question goes through here: the backend checks the answer does not depend on garbage, and
        /// where the heap answers with the radix oracle too (the differential pair) its answer must match the spec.
        /// </summary>
        private bool Ask(ulong address, bool isQuery)
        {
            backend.BeforeOwnershipQuestion(address, isQuery);
            Ownership spec = _state.OwnershipOf(address);
            bool answer;
            if (heap is IDifferentialDriver both)
            {
                (answer, bool radix) = both.IsOwnedByBoth(address);
                bool specOk = spec switch { Ownership.Owned => radix, Ownership.NotOwned => !radix, _ => radix };
                if (!specOk || (spec != Ownership.Unspecified && radix != answer))
                    _finding ??= new RunnerFinding(PropertyFamily.Ownership, $"{spec}: classic = radix = model",
                        $"classic and radix disagree on 0x{address:x} ({spec}): classic {answer}, radix {radix}".ToLowerInvariant());
            }
            else
            {
                answer = heap.IsOwned(address);
            }
            if (backend.AfterOwnershipQuestion(heap, address, answer, isQuery, spec) is { } dependence)
                _finding ??= new RunnerFinding(PropertyFamily.Ownership, "the same decision for every garbage value", dependence);
            return answer;
        }

        /// <summary>
        /// The arena map owns the whole span of every live arena and nothing just outside it: probes at the base, the
        /// first, middle and last pool boundaries, the last byte, and one byte either side.
        /// </summary>
        private void CheckArenaSpans()
        {
            ulong pool = (ulong)owner._geometry.PoolSize;
            foreach (LiveArena arena in _state.Arenas)
            {
                ulong firstPool = (arena.Base + pool - 1) & ~(pool - 1);
                ulong lastPool = (arena.End - pool) & ~(pool - 1);
                ulong middle = (firstPool + (arena.End - firstPool) / 2) & ~(pool - 1);
                foreach (ulong p in new[] { arena.Base, firstPool, middle, lastPool, arena.End - 1, arena.Base - 1, arena.End })
                {
                    Ownership spec = _state.OwnershipOf(p);
                    bool answer;
                    try
                    {
                        answer = Ask(p, isQuery: true);
                    }
                    catch (Exception e) when (e is not OutOfMemoryException) // e.g. the differential pair's verified check
                    {
                        _finding ??= new RunnerFinding(PropertyFamily.Ownership, "the question completes",
                            $"is_owned(0x{p:x}) threw {e.GetType().Name}: {e.Message}");
                        return;
                    }
                    bool radixOk = heap is IDifferentialDriver || (spec == Ownership.NotOwned ? !answer : answer);
                    if (!radixOk)
                        _finding ??= new RunnerFinding(PropertyFamily.Ownership, "the arena map owns exactly the live arenas",
                            $"the radix oracle answers {answer.ToString().ToLowerInvariant()} at 0x{p:x} ({spec}; arena [0x{arena.Base:x}, 0x{arena.End:x}))");
                    if (_finding is not null) return;
                }
            }
        }

        /// <summary>
        /// On a step the runner audits itself, the invariants <see cref="HeapCheckLevel.Full"/> would have run inside the
        /// allocating call, reported the same way ("after the call = result: what broke"); the call is named only when the
        /// audit fails (<paramref name="released"/>: the block a realloc was given). Returns <paramref name="result"/>.
        /// </summary>
        private ulong Audit(Operation op, ulong result, ulong released = 0)
        {
            if (!_auditStep) return result;
            try
            {
                heap.CheckInvariants();
            }
            catch (HeapInvariantException broken)
            {
                string call = op switch
                {
                    MallocOp m => $"Malloc({m.Size})",
                    CallocOp c => $"Calloc({c.Count}, {c.Size})",
                    ReallocOp r => $"Realloc(0x{released:x}, {r.Size})",
                    _ => ReferenceModel.Describe(op),
                };
                throw new HeapInvariantException(broken.Invariant, $"after {call} = 0x{result:x}: {broken.Detail}");
            }
            return result;
        }

        private ulong AuditFree(ulong address)
        {
            if (!_auditStep) return address;
            try
            {
                heap.CheckInvariants();
            }
            catch (HeapInvariantException broken)
            {
                throw new HeapInvariantException(broken.Invariant, $"after Free(0x{address:x}): {broken.Detail}");
            }
            return address;
        }

        /// <summary>Free/realloc: the heap's ownership test must route the pointer right before anything is released.</summary>
        private Observation Release(LiveBlock block, Operation op)
        {
            ulong p = block.Address;
            bool owned = Ask(p, isQuery: false);
            if (owned != (block.Kind == BlockKind.Pymalloc)) return new Observation { OwnedAnswer = owned, Address = p };
            if (op is ReallocOp r) return new Observation { OwnedAnswer = owned, Address = Audit(op, heap.Realloc(p, (ulong)r.Size), released: p) };
            heap.Free(p);
            return new Observation { OwnedAnswer = owned, Address = AuditFree(p) };
        }

        private Observation ForeignFree(ForeignBlock block)
        {
            bool owned = Ask(block.Address, isQuery: false);
            if (!owned) // pymalloc would scribble on test memory: free only when routed right
            {
                heap.Free(block.Address);
                AuditFree(block.Address);
            }
            return new Observation { OwnedAnswer = owned, Address = block.Address };
        }

        private Observation Query(QueryOp query, int index)
        {
            ulong address = AddressResolver.Resolve(_state, query.Address)!.Value;
            Ownership spec = _state.OwnershipOf(address);
            AppliedGarbage garbage = ArmGarbage(query.Garbage, address, spec);
            bool answer;
            try
            {
                answer = Ask(address, isQuery: true);
            }
            finally
            {
                garbage = garbage.Delivery == GarbageDelivery.NotApplied ? garbage : backend.DisarmGarbage(garbage);
            }
            _coverage.RecordQuery(query.Address.Kind, spec, garbage);
            _garbage.Add(new GarbageRecord(index, garbage.Class, garbage.Value, garbage.Delivery));
            return new Observation { Address = address, OwnedAnswer = answer, Garbage = garbage };
        }

        /// <summary>
        /// Resolves the query's garbage against the arena table and hands it to the backend, which puts it where the
        /// classic oracle reads p's arena index. An initialised pool header (spec Owned) is never touched.
        /// </summary>
        private AppliedGarbage ArmGarbage(Garbage requested, ulong address, Ownership spec)
        {
            if (spec == Ownership.Owned) return new AppliedGarbage(requested.Class, 0, GarbageDelivery.NotApplied);
            ArenaObject[] table = heap.ArenaTable;
            var bases = new ulong[table.Length];
            for (int i = 0; i < table.Length; i++) bases[i] = table[i].Address;
            var view = new ArenaTableView(bases, _everUsedSlots, (ulong)owner._geometry.ArenaSize);
            var (value, actual) = GarbageResolver.Resolve(requested, view, address);
            return backend.ArmGarbage(owner._model.PoolBaseOf(address) + PoolHeader.ArenaIndex, value, actual, _state);
        }

        private Observation WriteTag(LiveBlock block)
        {
            backend.WriteTag(block.Address, block.Size, ReferenceModel.TagFor(_state));
            return new Observation { Address = block.Address };
        }

        private Observation CheckTag(LiveBlock block)
        {
            ulong length = block.Content.ValidLength;
            if (length == 0) return new Observation { Address = block.Address };
            return new Observation { Address = block.Address, Content = backend.ReadBack(block.Address, length) };
        }
    }
}
