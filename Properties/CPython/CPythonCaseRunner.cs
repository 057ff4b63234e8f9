using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend.CPython;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.CPython;

/// <summary>A run on libpython, with what it checked.</summary>
/// <param name="Statistics">libpython's <c>_PyObject_DebugMallocStats()</c> text after the operations, before the teardown
/// (with a port alongside, compared byte for byte: a run that passes had the same text on both); null when the run
/// stopped before the end of the operations.</param>
public sealed record CPythonRunResult(RunOutcome Outcome, CPythonRunCounters Counters, string? Statistics = null);

/// <summary>
/// Runs a case of the operation language on libpython's pymalloc (a fresh allocator per case), checking every step
/// against the reference model — the same properties as on the port — and, with a <see cref="PortVariant"/>, running the
/// port (configured by the version's preset) in lock step over a twin region and requiring the same step, address for
/// address. Stops at the first divergence; after the operations comes the implicit teardown (free every block).
/// <list type="bullet">
/// <item>Every ownership decision is observed through the raw callbacks (<see cref="LibPythonSystem"/>'s probe, and the
/// raw free/realloc a release reaches) and judged by the spec (<see cref="OwnershipSpecVariant"/>).</item>
/// <item>Garbage goes where the classic test reads (p's pool base + 32) when that word is in the region and holds no
/// live block; on the real allocator it cannot be served to the read instead, so a query whose pool header lies outside
/// test memory is not asked (the C read could fault). Where garbage was written, the decision is asked again under every
/// value (every slot, the table size and beyond), each judged by the spec.</item>
/// <item><c>_Py_GetAllocatedBlocks()</c> must equal the model's live pymalloc blocks plus the raw blocks libpython counts.</item>
/// <item>After the teardown, the version's release policy bounds the arenas still held (3.8: none; 3.9+: one).</item>
/// </list>
/// </summary>
public sealed class CPythonCaseRunner
{
    private readonly ModelGeometry _model;

    public CPythonCaseRunner(CPythonPreset preset, LibPythonInstall install, PortVariant? port = null, OwnershipSpecVariant? spec = null)
    {
        ArgumentNullException.ThrowIfNull(preset);
        ArgumentNullException.ThrowIfNull(install);
        if (install.Version != preset.Version)
            throw new ArgumentException($"{install} is not CPython {preset.Version}");
        if (LibPythonImage.UnsupportedReason(install.Version) is { } why) throw new ArgumentException(why);
        Preset = preset;
        Install = install;
        Port = port;
        Spec = spec ?? OwnershipSpecVariant.Model;
        _model = PropertyGeometries.ToModel(preset.Geometry);
    }

    public CPythonPreset Preset { get; }
    public LibPythonInstall Install { get; }

    /// <summary>Null: libpython against the model only. Otherwise the port compared step for step.</summary>
    public PortVariant? Port { get; }

    public OwnershipSpecVariant Spec { get; }

    public Geometry Geometry => Preset.Geometry;

    public RunOutcome Run(TestCase testCase) => RunDetailed(testCase).Outcome;

    public CPythonRunResult RunDetailed(TestCase testCase)
    {
        ArgumentNullException.ThrowIfNull(testCase);
        using var realRegion = new PlacementRegion(Preset.Geometry, testCase.ArenaHeadOffsets, testCase.Layout);
        using var real = new LibPythonSide(Install, realRegion);
        using PlacementRegion? portRegion = Port is null ? null : new PlacementRegion(Preset.Geometry, testCase.ArenaHeadOffsets, testCase.Layout);
        using IAllocatorSide? port = Port?.Create(Preset, portRegion!);
        var run = new LockStepExecution(this, real, port);
        RunOutcome outcome = run.Execute(testCase.Operations);
        return new CPythonRunResult(outcome, run.Counters, run.Statistics);
    }

    /// <summary>Where a query's garbage goes, decided once from libpython's state and applied to both sides.</summary>
    private sealed record GarbagePlan(ulong IndexAddress, uint Value, GarbageClass Class, bool Write);

    private sealed class LockStepExecution(CPythonCaseRunner owner, LibPythonSide real, IAllocatorSide? port)
    {
        private readonly CPythonPreset _preset = owner.Preset;
        private ModelState _state = ModelState.Initial(owner._model, owner.Preset.UnspecifiedMustBeOwned);
        private readonly HashSet<int> _everUsedSlots = [];
        private readonly ImmutableArray<StepTrace>.Builder _trace = ImmutableArray.CreateBuilder<StepTrace>();
        private readonly ImmutableArray<GarbageRecord>.Builder _garbage = ImmutableArray.CreateBuilder<GarbageRecord>();
        private readonly CoverageTable _coverage = new();
        private long _pymallocBlocks;

        public CPythonRunCounters Counters { get; } = new();

        public string? Statistics { get; private set; }

        public RunOutcome Execute(ImmutableArray<Operation> operations)
        {
            for (int i = 0; i < operations.Length; i++)
                if (Step(i, operations[i], teardown: false) is { } failure) return Outcome(failure, i + 1);

            int end = operations.Length;
            Statistics = real.DebugMallocStats();
            if (port is not null && StatsDiffer("after the operations") is { } statistics)
                return Outcome(Record(end, new FreeOp(0), statistics, teardown: true), end);
            while (!_state.Blocks.IsEmpty)
                if (Step(end, new FreeOp(0), teardown: true) is { } failure) return Outcome(failure, end);
            while (!_state.Foreign.IsEmpty)
                if (Step(end, new ForeignFreeOp(0), teardown: true) is { } failure) return Outcome(failure, end);
            return Outcome(Finish(end), end);
        }

        private RunOutcome Outcome(FailureRecord? failure, int executed) =>
            new(failure, executed, _trace.ToImmutable(), _garbage.ToImmutable(), _coverage);

        private static FailureRecord ToFailure(int step, StepVerdict v) =>
            new(step, v.Family ?? PropertyFamily.Invariants, v.Expected, v.Observed, v.Message ?? v.ToString());

        private FailureRecord? Record(int index, Operation op, StepVerdict verdict, bool teardown)
        {
            _trace.Add(new StepTrace(index, op, verdict, teardown));
            return verdict.Failed ? ToFailure(index, verdict) : null;
        }

        private FailureRecord? Step(int index, Operation op, bool teardown)
        {
            ModelState before = _state;
            if (ReferenceModel.SkipReason(before, op) is not null)
            {
                StepResult skipped = ReferenceModel.Step(before, op, Observation.None);
                _state = skipped.State;
                return Record(index, op, skipped.Verdict, teardown);
            }
            GarbagePlan? plan = null;
            if (op is QueryOp query)
            {
                ulong address = AddressResolver.Resolve(before, query.Address)!.Value;
                ulong index32 = owner._model.PoolBaseOf(address) + PoolHeader.ArenaIndex;
                if (!real.Region.Contains(index32, 8))
                {
                    // The C test would read p's pool header here: outside test memory it could fault the process.
                    Counters.UnaskableQueries++;
                    return Record(index, op, StepVerdict.Skip($"pool header of 0x{address:x} outside test memory: not asked of libpython"), teardown);
                }
                plan = PlanGarbage(query.Garbage, address, index32, before);
            }

            Counters.Operations++;
            SideStep observed = Observe(real, op, before, plan, a => a);
            StepResult result = ReferenceModel.Step(before, op, observed.Observation);
            StepVerdict verdict = result.Verdict;
            if (!verdict.Failed) verdict = CheckDecisions(before, observed) ?? verdict;
            if (!verdict.Failed) verdict = CheckAllocatedBlocks(op, before, result.State) ?? verdict;
            if (!verdict.Failed && port is not null)
            {
                SideStep twin = Observe(port, op, before, plan, ToPort);
                Counters.ComparedSteps++;
                if (DifferentialComparison.Compare(observed, real, twin, port) is { } difference)
                    verdict = Differs((teardown ? "teardown " : "") + Named(op, before), difference);
            }
            if (op is QueryOp q && observed.Observation.Garbage is { } applied)
            {
                _coverage.RecordQuery(q.Address.Kind, before.OwnershipOf(AddressResolver.Resolve(before, q.Address)!.Value), applied);
                _garbage.Add(new GarbageRecord(index, applied.Class, applied.Value, applied.Delivery));
            }
            _state = result.State;
            for (int i = 0; i < real.MaxArenas; i++)
                if (real.SlotAddress(i) != 0) _everUsedSlots.Add(i);
            return Record(index, op, verdict, teardown);
        }

        private ulong ToPort(ulong address) =>
            real.Region.OffsetOf(address) is long offset ? port!.Region.Base + (ulong)offset : address;

        private GarbagePlan PlanGarbage(Garbage requested, ulong address, ulong indexAddress, ModelState state)
        {
            Ownership spec = state.OwnershipOf(address);
            if (spec == Ownership.Owned) return new GarbagePlan(indexAddress, 0, requested.Class, Write: false);
            var slots = new ulong[real.MaxArenas];
            for (int i = 0; i < slots.Length; i++) slots[i] = real.SlotAddress(i);
            var view = new ArenaTableView(slots, _everUsedSlots, (ulong)owner._model.ArenaSize);
            (uint value, GarbageClass actual) = GarbageResolver.Resolve(requested, view, address);
            // An initialised header is never garbage (spec Owned, above); a word inside a live block holds its data.
            return new GarbagePlan(indexAddress, value, actual, Write: state.FirstOverlap(indexAddress, 4) is null);
        }

        /// <summary>Runs <paramref name="op"/> on one side. <paramref name="at"/> maps the model's (libpython's) addresses to the side's.</summary>
        private SideStep Observe(IAllocatorSide side, Operation op, ModelState state, GarbagePlan? plan, Func<ulong, ulong> at)
        {
            var decisions = ImmutableArray.CreateBuilder<OwnershipDecision>();
            string? fault = null;
            Observation observed = op switch
            {
                MallocOp m => new Observation { Address = side.Malloc((ulong)m.Size) },
                CallocOp c => new Observation { Address = side.Calloc((ulong)c.Count, (ulong)c.Size) },
                ReallocOp r => Release(side, state.ResolveBlock(r.Handle)!, at, decisions, ref fault, p => side.Realloc(p, (ulong)r.Size)),
                FreeOp f => Release(side, state.ResolveBlock(f.Handle)!, at, decisions, ref fault, p => { side.Free(p); return p; }),
                ForeignAllocOp a => new Observation { Address = side.Region.ForeignAlloc((ulong)a.Size) },
                ForeignFreeOp f => ForeignFree(side, state.ResolveForeign(f.Handle)!, at, decisions),
                QueryOp q => Query(side, q, state, plan!, at, decisions),
                WriteTagOp w => WriteTag(side, state.ResolveBlock(w.Handle)!, state, at),
                CheckTagOp c => CheckTag(side, state.ResolveBlock(c.Handle)!, at),
                _ => throw new ArgumentException($"unknown operation {op.GetType().Name}"),
            };
            fault = side.TakeFault() ?? fault;
            observed = observed with { Events = side.Region.TakeEvents(), Fault = fault };
            long? poolBlocks = op is QueryOp or WriteTagOp or CheckTagOp ? null : side.PoolBlocks();
            return new SideStep(observed, decisions.ToImmutable(), poolBlocks);
        }

        /// <summary>
        /// Free/realloc: the decision is asked first and the block released only when it routes the pointer right (a
        /// wrong "mine" would scribble on test memory). The release must then reach the raw free/realloc exactly when
        /// the decision said "not mine".
        /// </summary>
        private static Observation Release(IAllocatorSide side, LiveBlock block, Func<ulong, ulong> at,
            ImmutableArray<OwnershipDecision>.Builder decisions, ref string? fault, Func<ulong, ulong> act)
        {
            ulong p = at(block.Address);
            bool? owned = side.Decide(p);
            decisions.Add(new OwnershipDecision(block.Address, owned));
            if (owned != (block.Kind == BlockKind.Pymalloc)) return new Observation { OwnedAnswer = owned, Address = p };
            ulong result = act(p);
            if (side.Region.PendingSystemReleaseOf(p) == owned)
                fault ??= $"{side.Name} decided 0x{p:x} is {(owned == true ? "" : "not ")}its own, but releasing it " +
                          $"{(owned == true ? "reached" : "did not reach")} the raw free/realloc";
            return new Observation { OwnedAnswer = owned, Address = result };
        }

        private static Observation ForeignFree(IAllocatorSide side, ForeignBlock block, Func<ulong, ulong> at,
            ImmutableArray<OwnershipDecision>.Builder decisions)
        {
            ulong p = at(block.Address);
            bool? owned = side.Decide(p);
            decisions.Add(new OwnershipDecision(block.Address, owned));
            if (owned == false) side.Free(p);
            return new Observation { OwnedAnswer = owned, Address = p };
        }

        private Observation Query(IAllocatorSide side, QueryOp query, ModelState state, GarbagePlan plan, Func<ulong, ulong> at,
            ImmutableArray<OwnershipDecision>.Builder decisions)
        {
            ulong address = AddressResolver.Resolve(state, query.Address)!.Value;
            ulong index = at(plan.IndexAddress);
            if (plan.Write) WriteIndex(index, plan.Value);
            bool? owned = side.Decide(at(address));
            decisions.Add(new OwnershipDecision(address, owned));
            if (plan.Write && side == real) Reevaluate(address, index, plan.Value, state, decisions);
            var applied = new AppliedGarbage(plan.Class, plan.Value, plan.Write ? GarbageDelivery.Written : GarbageDelivery.NotApplied);
            return new Observation { Address = at(address), OwnedAnswer = owned, Garbage = applied };
        }

        /// <summary>
        /// Asks libpython again with every other value at the arena index the classic test reads: each slot, the table
        /// size and one past it, 2^31 and 2^32 − 1. Only where the spec fixes the answer (the pool-header oracle may answer
        /// either way inside a live arena). The planted value is put back, so both sides keep the same bytes.
        /// </summary>
        private void Reevaluate(ulong address, ulong index, uint planted, ModelState state, ImmutableArray<OwnershipDecision>.Builder decisions)
        {
            Ownership spec = state.OwnershipOf(address);
            if (spec == Ownership.Owned || (spec == Ownership.Unspecified && !_preset.UnspecifiedMustBeOwned)) return;
            uint max = (uint)real.MaxArenas;
            foreach (uint value in new[] { max, max + 1, 0x8000_0000u, uint.MaxValue })
                Ask(value);
            for (uint slot = 0; slot < max; slot++) Ask(slot);
            WriteIndex(index, planted);

            void Ask(uint value)
            {
                WriteIndex(index, value);
                decisions.Add(new OwnershipDecision(address, real.Decide(address), Reevaluation: true, Garbage: value));
            }
        }

        private static unsafe void WriteIndex(ulong address, uint value) => *(uint*)address = value;

        private static unsafe Observation WriteTag(IAllocatorSide side, LiveBlock block, ModelState state, Func<ulong, ulong> at)
        {
            ulong p = at(block.Address);
            if (!side.Region.Contains(p, Math.Max(block.Size, 1)))
                return new Observation { Address = p, Fault = $"block 0x{p:x} (+{block.Size}) is outside the region: not written" };
            TagPattern.Fill(ReferenceModel.TagFor(state), new Span<byte>((void*)p, checked((int)block.Size)));
            return new Observation { Address = p };
        }

        private static unsafe Observation CheckTag(IAllocatorSide side, LiveBlock block, Func<ulong, ulong> at)
        {
            ulong p = at(block.Address);
            ulong length = block.Content.ValidLength;
            if (length == 0) return new Observation { Address = p };
            if (!side.Region.Contains(p, length))
                return new Observation { Address = p, Fault = $"block 0x{p:x} (+{length}) is outside the region: not read" };
            return new Observation { Address = p, Content = [.. new ReadOnlySpan<byte>((void*)p, checked((int)length))] };
        }

        /// <summary>Every decision libpython made in the step, judged by the spec of the state before it.</summary>
        private StepVerdict? CheckDecisions(ModelState before, SideStep observed)
        {
            foreach (OwnershipDecision d in observed.Decisions)
            {
                Counters.Decisions++;
                if (d.Reevaluation) Counters.Reevaluations++;
                Ownership spec = owner.Spec.Classify(before, d.Address);
                if (d.Owned is bool owned && spec.Allows(owned, _preset.UnspecifiedMustBeOwned)) continue;
                string answer = d.Owned switch { true => "owned", false => "not owned", null => "no decision" };
                string with = d.Reevaluation ? $" with 0x{d.Garbage:x} planted at its pool's arena index" : "";
                return StepVerdict.Fail(PropertyFamily.Ownership, $"{spec} (spec '{owner.Spec.Name}')", answer + with,
                    $"{real.Name} decided 0x{d.Address:x} is {answer}{with}, but the spec says {spec}");
            }
            return null;
        }

        /// <summary><c>_Py_GetAllocatedBlocks()</c> = live pymalloc blocks (the model's) + raw blocks libpython counts.</summary>
        private StepVerdict? CheckAllocatedBlocks(Operation op, ModelState before, ModelState after)
        {
            if (op is QueryOp or WriteTagOp or CheckTagOp) return null;
            long pymalloc = _pymallocBlocks += PymallocBlocksAdded(op, before, after);
            long expected = pymalloc + real.System.RawBlocks, observed = real.AllocatedBlocks();
            return observed == expected ? null
                : StepVerdict.Fail(PropertyFamily.Invariants, $"_Py_GetAllocatedBlocks() = {expected}", $"{observed}",
                    $"_Py_GetAllocatedBlocks() is {observed}, but {pymalloc} pymalloc blocks live and libpython counts {real.System.RawBlocks} raw blocks");
        }

        /// <summary>
        /// How many pymalloc blocks the model gained in a step that passed: an operation adds, replaces or removes at most
        /// one live block (counting all of them every step made the churn episodes quadratic).
        /// </summary>
        private static int PymallocBlocksAdded(Operation op, ModelState before, ModelState after)
        {
            static int Pymalloc(LiveBlock? b) => b is { Kind: BlockKind.Pymalloc } ? 1 : 0;
            return op switch
            {
                MallocOp or CallocOp => after.Blocks.Count > before.Blocks.Count ? Pymalloc(after.Blocks[^1]) : 0,
                ReallocOp r => ModelState.SlotOf(r.Handle, before.Blocks.Count) is var i and >= 0 && i < after.Blocks.Count
                    ? Pymalloc(after.Blocks[i]) - Pymalloc(before.Blocks[i]) : 0,
                FreeOp f => after.Blocks.Count < before.Blocks.Count ? -Pymalloc(before.ResolveBlock(f.Handle)) : 0,
                _ => 0,
            };
        }

        /// <summary>The statistics text of both sides, byte for byte (on 3.10+ with the arena-map section).</summary>
        private StepVerdict? StatsDiffer(string when)
        {
            string realText = real.DebugMallocStats(), portText = port!.DebugMallocStats();
            if (realText == portText) return null;
            int line = realText.Split('\n').Zip(portText.Split('\n')).TakeWhile(p => p.First == p.Second).Count();
            string Line(string text) => text.Split('\n') is var lines && line < lines.Length ? $"line {line + 1}: \"{lines[line]}\"" : "(ends)";
            return Differs(when, new StepDifference("sys._debugmallocstats() text", Line(realText), Line(portText)));
        }

        /// <param name="operation">What ran ("free(b3)", "teardown free(b0)", "after the teardown").</param>
        private StepVerdict Differs(string operation, StepDifference d) =>
            StepVerdict.Fail(PropertyFamily.Differential, $"{d.What} as on {real.Name}: {d.Real}", $"{d.What} on {port!.Name}: {d.Port}",
                $"{operation}: the port differs from {real.Name} in {d.What} — " +
                $"{real.Name}: {d.Real}; {port.Name}: {d.Port}" + (owner.Port is { IsSeededBug: true } v ? $" (port variant {v.Name})" : ""));

        /// <summary>The operation with its handle resolved to the block's name, as the printed program shows it.</summary>
        private static string Named(Operation op, ModelState state) => op switch
        {
            FreeOp f when state.ResolveBlock(f.Handle) is { } b => $"free(b{b.Id})",
            ReallocOp r when state.ResolveBlock(r.Handle) is { } b => $"realloc(b{b.Id}, {r.Size})",
            ForeignFreeOp f when state.ResolveForeign(f.Handle) is { } b => $"free(f{b.Id})",
            WriteTagOp w when state.ResolveBlock(w.Handle) is { } b => $"write_tag(b{b.Id})",
            CheckTagOp c when state.ResolveBlock(c.Handle) is { } b => $"check_tag(b{b.Id})",
            _ => ReferenceModel.Describe(op),
        };

        /// <summary>After the teardown: the release policy bounds the arenas still held, no pool block is counted, and the
        /// port holds the same arenas.</summary>
        private FailureRecord? Finish(int end)
        {
            StepVerdict verdict;
            int kept = real.Region.LiveArenaCount;
            long poolBlocks = real.PoolBlocks();
            if (real.TakeFault() is { } fault)
                verdict = StepVerdict.Fail(PropertyFamily.Invariants, "no fault", fault, $"after the teardown: {fault}");
            else if (kept > _preset.MaxFreeArenasKept)
                verdict = StepVerdict.Fail(PropertyFamily.Invariants, $"at most {_preset.MaxFreeArenasKept} wholly free arena(s) kept",
                    $"{kept} kept", $"{real.Name} still holds {kept} arenas after every block was freed; its policy keeps at most {_preset.MaxFreeArenasKept}");
            else if (poolBlocks != 0)
                verdict = StepVerdict.Fail(PropertyFamily.Invariants, "no block in a pool", $"{poolBlocks}",
                    $"after every block was freed, _Py_GetAllocatedBlocks() still counts {poolBlocks} pool blocks");
            else
                verdict = StepVerdict.Pass($"every block freed, at most {_preset.MaxFreeArenasKept} arena(s) kept", $"{kept} kept");

            if (!verdict.Failed && port is not null && StatsDiffer("after the teardown") is { } statistics)
                verdict = statistics;
            if (!verdict.Failed && port is not null)
            {
                string realArenas = string.Join(", ", real.Region.LiveArenas.Select(a => DifferentialComparison.At(a, real.Region)).Order());
                string portArenas = string.Join(", ", port.Region.LiveArenas.Select(a => DifferentialComparison.At(a, port.Region)).Order());
                if (realArenas != portArenas)
                    verdict = Differs("after the teardown", new StepDifference("arenas kept", $"[{realArenas}]", $"[{portArenas}]"));
            }
            return Record(end, new FreeOp(0), verdict, teardown: true);
        }
    }
}
