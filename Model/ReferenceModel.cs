using System.Collections.Immutable;

namespace PymallocVerify.Model;

/// <summary>
/// The pure reference model: <see cref="Step"/> validates what the runner observed for one operation and returns
/// the next state with a verdict. It never predicts addresses and never reads the allocator's tables; arenas are
/// learned from system-boundary events. Realloc follows CPython's rules (same pointer iff the block is pymalloc's,
/// n ≤ class size and 4n &gt; 3·class size).
/// </summary>
public static class ReferenceModel
{
    /// <summary>The tag a <see cref="WriteTagOp"/> applied in <paramref name="state"/> writes.</summary>
    public static int TagFor(ModelState state) => state.NextTag;

    /// <summary>Why <paramref name="op"/> does nothing in <paramref name="state"/> (it refers to an empty list), or null.</summary>
    public static string? SkipReason(ModelState state, Operation op) => op switch
    {
        ReallocOp or FreeOp or WriteTagOp or CheckTagOp when state.Blocks.IsEmpty => "no live block",
        ForeignFreeOp when state.Foreign.IsEmpty => "no foreign block",
        QueryOp q when AddressResolver.Resolve(state, q.Address) is null => $"no object for {q.Address.Kind}",
        _ => null,
    };

    public static StepResult Step(ModelState state, Operation op, Observation observed)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(op);
        ArgumentNullException.ThrowIfNull(observed);
        var step = new Stepper(state, op, observed);
        if (SkipReason(state, op) is { } why) return new StepResult(step.State, StepVerdict.Skip(why));
        if (observed.Fault is { } fault)
            return observed.InvariantViolation is { } stopped
                ? step.Fail(PropertyFamily.Invariants, "every invariant holds", stopped, $"{Describe(op)} broke a heap invariant: {stopped}")
                : step.Fail(FamilyOf(op), "the operation completes", $"threw {fault}", $"{Describe(op)} threw: {fault}");

        StepResult result = op switch
        {
            MallocOp m => step.Allocate((ulong)m.Size, calloc: null),
            CallocOp c => step.Allocate((ulong)c.Count * (ulong)c.Size, calloc: ((ulong)c.Count, (ulong)c.Size)),
            ReallocOp r => step.Realloc(ModelState.SlotOf(r.Handle, state.Blocks.Count), (ulong)r.Size),
            FreeOp f => step.Free(ModelState.SlotOf(f.Handle, state.Blocks.Count)),
            ForeignAllocOp a => step.ForeignAlloc((ulong)a.Size),
            ForeignFreeOp f => step.ForeignFree(state.ResolveForeign(f.Handle)!),
            QueryOp q => step.Query(AddressResolver.Resolve(state, q.Address)!.Value),
            WriteTagOp w => step.WriteTag(ModelState.SlotOf(w.Handle, state.Blocks.Count)),
            CheckTagOp c => step.CheckTag(state.ResolveBlock(c.Handle)!),
            _ => throw new ArgumentException($"unknown operation {op.GetType().Name}"),
        };
        if (!result.Verdict.Failed && observed.InvariantViolation is { } broken)
            return new StepResult(result.State, StepVerdict.Fail(PropertyFamily.Invariants, "CheckInvariants() holds",
                broken, $"heap invariant broken after {Describe(op)}: {broken}"));
        return result;
    }

    /// <summary>
    /// Final check when the heap is disposed after every block was freed: each arena still live must be returned,
    /// exactly once, and nothing else may happen at the system boundary.
    /// </summary>
    public static StepVerdict Finish(ModelState state, ImmutableArray<SystemEvent> events)
    {
        if (!state.Blocks.IsEmpty)
            return StepVerdict.Fail(PropertyFamily.Invariants, "no live block at teardown", $"{state.Blocks.Count} live",
                "teardown started with live blocks");
        var live = state.Arenas.Select(a => a.Base).ToHashSet();
        foreach (SystemEvent e in events)
        {
            if (e is ArenaReturned r && live.Remove(r.Base)) continue;
            return StepVerdict.Fail(PropertyFamily.Invariants, "dispose returns each live arena once", e.ToString(),
                $"unexpected system event at dispose: {e}");
        }
        return live.Count == 0
            ? StepVerdict.Pass("every arena returned", "every arena returned")
            : StepVerdict.Fail(PropertyFamily.Invariants, "every arena returned", $"{live.Count} never returned",
                $"arena(s) {string.Join(", ", live.Select(Hex))} were never returned to the system");
    }

    public static PropertyFamily FamilyOf(Operation op) => op switch
    {
        QueryOp => PropertyFamily.Ownership,
        FreeOp or ForeignFreeOp => PropertyFamily.Routing,
        _ => PropertyFamily.Blocks,
    };

    public static string Describe(Operation op) => ProgramPrinter.OperationName(op);

    internal static string Hex(ulong value) => $"0x{value:x}";

    /// <summary>
    /// One step's working state: the next model state plus the observation, with helpers that fail early. A passing
    /// step's verdict renders its text from here only when read (<see cref="IDeferredVerdictText"/>); a failing step's
    /// text is built as it fails.
    /// </summary>
    private sealed class Stepper(ModelState state, Operation op, Observation observed) : IDeferredVerdictText
    {
        private ModelState? _state = state; // null once passed: see Pass
        public ModelState State { get => _state!; private set => _state = value; }
        private ModelGeometry G => State.Geometry;

        /// <summary>What a passing step's text shows; see <see cref="Expected"/> and <see cref="Observed"/>.</summary>
        private enum PassShape { Allocated, KeptInPlace, Freed, ForeignAllocated, ForeignFreed, Queried, Tagged, TagChecked }

        private PassShape _shape;
        private string? _constantExpected;
        private LiveBlock? _subject;
        private ulong _subjectAddress;
        private Ownership _querySpec;
        private (int NextTag, int NextBlockId, int NextForeignId, bool UnspecifiedMustBeOwned) _after;

        public StepResult Fail(PropertyFamily family, string expected, string observedText, string message) =>
            new(State, StepVerdict.Fail(family, expected, observedText, message));

        private StepResult Pass(PassShape shape, string? constantExpected = null, LiveBlock? subject = null, ulong subjectAddress = 0)
        {
            (_shape, _constantExpected, _subject, _subjectAddress) = (shape, constantExpected, subject, subjectAddress);
            var passed = new StepResult(State, StepVerdict.Pass(this));
            // The verdict keeps this text as long as a trace keeps the verdict (a whole case); keeping the state too kept
            // every step's block trees alive that long, and the collector copied them all. The text reads only these.
            _after = (State.NextTag, State.NextBlockId, State.NextForeignId, State.UnspecifiedMustBeOwned);
            _state = null;
            return passed;
        }

        /// <summary>The operation as failure messages name it ("malloc(16)", "free(b3)").</summary>
        private string What(int id = 0) => op switch
        {
            MallocOp m => $"malloc({m.Size})",
            CallocOp c => $"calloc({c.Count}×{c.Size})",
            ReallocOp r => $"realloc(b{id}, {(ulong)r.Size})",
            FreeOp => $"free(b{id})",
            ForeignFreeOp => $"free(f{id})",
            _ => Describe(op),
        };

        public string Expected => _constantExpected ?? _shape switch
        {
            PassShape.KeptInPlace => KeptInPlace(_subject!),
            PassShape.Freed or PassShape.ForeignFreed => OneSystemFree(_subjectAddress),
            PassShape.Tagged => $"b{_subject!.Id} tagged {_after.NextTag - 1}",
            PassShape.TagChecked => ExpectedContent(_subject!.Content),
            PassShape.Queried => QueryExpected(_querySpec, _after.UnspecifiedMustBeOwned),
            _ => throw new InvalidOperationException($"no expected text for {_shape}"),
        };

        public string Observed => _shape switch
        {
            PassShape.Allocated or PassShape.KeptInPlace => $"b{_after.NextBlockId - 1} = {Hex(observed.Address)}",
            PassShape.Freed or PassShape.ForeignFreed => Show(Calls()),
            PassShape.ForeignAllocated => $"f{_after.NextForeignId - 1} = {Hex(observed.Address)}",
            PassShape.Queried => QueryShown(),
            PassShape.Tagged => "written",
            _ => "intact",
        };

        private static bool IsArenaEvent(SystemEvent e) => e is ArenaObtained or ArenaReturned;

        /// <summary>The observed system calls other than arena traffic.</summary>
        private List<SystemEvent> Calls()
        {
            var calls = new List<SystemEvent>();
            foreach (SystemEvent e in observed.Events)
                if (!IsArenaEvent(e)) calls.Add(e);
            return calls;
        }

        private static string Show(IReadOnlyList<SystemEvent> events) =>
            events.Count == 0 ? "no system call" : string.Join(", ", events);

        private static string OneSystemFree(ulong address) => $"one system free of {Hex(address)}";

        private static string KeptInPlace(LiveBlock old) =>
            $"the same pointer {Hex(old.Address)} (n <= {old.Capacity} and 4n > 3·{old.Capacity})";

        /// <summary>The non-arena system calls must be exactly <paramref name="expected"/> (none when null); the failure
        /// names the operation as <see cref="What"/> does for block <paramref name="whatId"/> (built only then).</summary>
        private string? CheckCalls(int whatId, SystemEvent? expected = null)
        {
            int seen = 0;
            bool same = true;
            foreach (SystemEvent e in observed.Events)
            {
                if (IsArenaEvent(e)) continue;
                same &= e.Equals(expected); // no event equals null, and a second call fails the count below
                seen++;
            }
            if (same && seen == (expected is null ? 0 : 1)) return null;
            return $"{What(whatId)}: expected {Show(expected is null ? [] : [expected])}, saw {Show(Calls())}";
        }

        private string? ApplyObtained(bool allowed)
        {
            foreach (SystemEvent e in observed.Events)
            {
                if (e is not ArenaObtained a) continue;
                if (!allowed) return $"arena {Hex(a.Base)} obtained by an operation that allocates nothing";
                if (a.Base == 0 || a.Size != (ulong)G.ArenaSize)
                    return $"arena {Hex(a.Base)} of {a.Size} bytes; expected a non-null arena of {G.ArenaSize}";
                if (State.Arenas.Find(x => a.Base <= x.Base + (x.Size - 1) && x.Base <= a.Base + (a.Size - 1)) is { } clash) // inclusive ends: an arena may end at 2^64
                    return $"arena {Hex(a.Base)} overlaps live arena {Hex(clash.Base)}";
                State = State with
                {
                    Arenas = State.Arenas.Add(new LiveArena(State.NextArenaOrdinal, a.Base, a.Size, [])),
                    NextArenaOrdinal = State.NextArenaOrdinal + 1,
                };
            }
            return null;
        }

        private (PropertyFamily, string)? ApplyReturned(bool allowed)
        {
            foreach (SystemEvent e in observed.Events)
            {
                if (e is not ArenaReturned r) continue;
                if (!allowed) return (PropertyFamily.Invariants, $"arena {Hex(r.Base)} returned by an operation that frees nothing");
                LiveArena? arena = State.Arenas.Find(a => a.Base == r.Base);
                if (arena is null) return (PropertyFamily.Invariants, $"returned arena {Hex(r.Base)} is not a live arena");
                if (State.Blocks.Find(b => b.Kind == BlockKind.Pymalloc && arena.Contains(b.Address)) is { } inside)
                    return (PropertyFamily.Blocks, $"arena {Hex(r.Base)} returned while b{inside.Id} still lives in it");
                var released = State.ReleasedArenas.Add(new ReleasedArena(arena.Ordinal, arena.Base, arena.Size));
                if (released.Count > ModelState.ReleasedArenaMemory) released = released.RemoveAt(0);
                State = State with { Arenas = State.Arenas.Remove(arena), ReleasedArenas = released };
            }
            return null;
        }

        /// <summary>Where a pymalloc block may sit: aligned, on a block boundary of a pool inside a live arena.</summary>
        private (PropertyFamily, string)? CheckPymallocPlacement(ulong address, ulong blockSize)
        {
            LiveArena? arena = State.ArenaContaining(address);
            if (arena is null)
                return (PropertyFamily.Routing, $"small request served at {Hex(address)}, which is in no live arena");
            if (address % (ulong)G.Alignment != 0)
                return (PropertyFamily.Blocks, $"block {Hex(address)} is not {G.Alignment}-byte aligned");
            ulong pool = G.PoolBaseOf(address);
            if (pool < arena.Base || pool - arena.Base + (ulong)G.PoolSize > arena.Size) // no wrap for an arena ending at 2^64
                return (PropertyFamily.Blocks, $"block {Hex(address)}'s pool {Hex(pool)} is not wholly inside arena {Hex(arena.Base)}");
            ulong offset = address - pool;
            if (offset < (ulong)G.PoolOverhead || (offset - (ulong)G.PoolOverhead) % blockSize != 0 || offset + blockSize > (ulong)G.PoolSize)
                return (PropertyFamily.Blocks, $"block {Hex(address)} is at pool offset {offset}, not on a {blockSize}-byte block boundary after the header");
            if (!arena.InitializedPools.Contains(pool)) // the common case, a pool already known, changes nothing
            {
                State = State with
                {
                    Arenas = State.Arenas.Replace(arena, arena with { InitializedPools = arena.InitializedPools.Add(pool) }),
                };
            }
            return null;
        }

        private string? CheckNoOverlap(ulong address, ulong capacity)
        {
            if (State.FirstOverlap(address, capacity) is { } other)
                return $"new block [{Hex(address)}, +{capacity}) overlaps live b{other.Id} at {Hex(other.Address)}";
            foreach (ForeignBlock foreign in State.Foreign)
                if (address < foreign.Address + foreign.Size && foreign.Address < address + capacity)
                    return $"new block {Hex(address)} overlaps foreign block f{foreign.Id}";
            return null;
        }

        /// <summary>Records <paramref name="block"/>, in place of the list entry at <paramref name="replaceIndex"/> if given.</summary>
        private void AddBlock(LiveBlock block, int? replaceIndex)
        {
            ImmutableSortedSet<LiveBlock> byStart = State.BlocksByStart;
            // A block kept in place replaces the old record at its address, which Add would keep (it compares addresses
            // only); a new address is free (no overlap), so there is nothing to remove first.
            if (replaceIndex is int at && State.Blocks[at].Address == block.Address) byStart = byStart.Remove(block);
            State = State with
            {
                Blocks = replaceIndex is int i ? State.Blocks.SetItem(i, block) : State.Blocks.Add(block),
                BlocksByStart = byStart.Add(block),
                NextBlockId = State.NextBlockId + 1,
            };
        }

        /// <summary>Forgets <paramref name="block"/>; from the list too if its entry is at <paramref name="listIndex"/>.</summary>
        private void RemoveBlock(LiveBlock block, int? listIndex)
        {
            State = State with
            {
                Blocks = listIndex is int i ? State.Blocks.RemoveAt(i) : State.Blocks,
                BlocksByStart = State.BlocksByStart.Remove(block),
            };
        }

        /// <summary>
        /// Checks and records a freshly allocated block of <paramref name="bytes"/> at the observed address.
        /// <paramref name="systemCall"/> is the one system call the request must make when pymalloc does not serve it.
        /// </summary>
        private (PropertyFamily, string)? PlaceNewBlock(ulong bytes, SystemEvent? systemCall, BlockContent content, int? replaceIndex, int whatId)
        {
            ulong address = observed.Address;
            if (address == 0) return (PropertyFamily.Blocks, $"{What(whatId)} returned NULL");
            bool small = systemCall is null;
            if (CheckCalls(whatId, systemCall) is { } routing) return (PropertyFamily.Routing, routing);
            ulong capacity = small ? G.BlockSizeFor(bytes) : Math.Max(bytes, 1UL);
            if (small && CheckPymallocPlacement(address, capacity) is { } placement) return placement;
            if (!small && State.ArenaContaining(address) is { } arena)
                return (PropertyFamily.Routing, $"system block {Hex(address)} lies inside live arena {Hex(arena.Base)}");
            if (CheckNoOverlap(address, capacity) is { } overlap) return (PropertyFamily.Blocks, overlap);
            AddBlock(new LiveBlock(State.NextBlockId, address, bytes, capacity, small ? BlockKind.Pymalloc : BlockKind.System, content), replaceIndex);
            return null;
        }

        public StepResult Allocate(ulong bytes, (ulong Count, ulong Size)? calloc)
        {
            if (ApplyObtained(allowed: true) is { } arenaError) return Fail(PropertyFamily.Invariants, "a valid new arena", arenaError, arenaError);
            if (ApplyReturned(allowed: false) is { } returned) return Fail(returned.Item1, "no arena returned", returned.Item2, returned.Item2);
            SystemEvent? call = G.IsSmallRequest(bytes) ? null
                : calloc is { } c ? new SystemCallocCalled(observed.Address, c.Count, c.Size)
                : new SystemMallocCalled(observed.Address, bytes);
            BlockContent content = calloc is null ? BlockContent.Unknown : new BlockContent(ContentKind.Zero, 0, bytes);
            string expected = call switch // "one " + the event's type name without "Called"
            {
                null => "a pymalloc block",
                SystemCallocCalled => "one SystemCalloc",
                _ => "one SystemMalloc",
            };
            if (PlaceNewBlock(bytes, call, content, null, 0) is { } error) return Fail(error.Item1, expected, Hex(observed.Address), error.Item2);
            return Pass(PassShape.Allocated, expected);
        }

        private StepResult? CheckOwnershipBeforeRelease(ulong address, bool expectOwned, int whatId)
        {
            if (observed.OwnedAnswer == expectOwned) return null;
            string answer = observed.OwnedAnswer?.ToString().ToLowerInvariant() ?? "no answer";
            return Fail(PropertyFamily.Ownership, $"IsOwned({Hex(address)}) = {expectOwned.ToString().ToLowerInvariant()}", answer,
                $"{What(whatId)}: the heap's ownership test answers {answer} for {(expectOwned ? "its own block" : "a system block")} {Hex(address)}");
        }

        public StepResult Realloc(int index, ulong bytes)
        {
            LiveBlock old = State.Blocks[index];
            bool pymalloc = old.Kind == BlockKind.Pymalloc;
            if (CheckOwnershipBeforeRelease(old.Address, pymalloc, old.Id) is { } wrong) return wrong;
            if (ApplyObtained(allowed: true) is { } arenaError) return Fail(PropertyFamily.Invariants, "a valid new arena", arenaError, arenaError);
            BlockContent content = old.Content with { ValidLength = Math.Min(old.Content.ValidLength, bytes) };
            ulong address = observed.Address;
            string? expected; // null: kept in place, rendered by KeptInPlace only when shown
            if (!pymalloc)
            {
                expected = "a system realloc";
                if (address == 0) return Fail(PropertyFamily.Blocks, expected, "NULL", $"{What(old.Id)} returned NULL");
                if (CheckCalls(old.Id, new SystemReallocCalled(old.Address, address, bytes)) is { } routing)
                    return Fail(PropertyFamily.Routing, expected, Show(Calls()), routing);
                RemoveBlock(old, listIndex: null);
                if (CheckNoOverlap(address, Math.Max(bytes, 1)) is { } overlap) return Fail(PropertyFamily.Blocks, expected, Hex(address), overlap);
                AddBlock(new LiveBlock(State.NextBlockId, address, bytes, Math.Max(bytes, 1), BlockKind.System, content), index);
            }
            else if (bytes <= old.Capacity && 4 * bytes > 3 * old.Capacity)
            {
                expected = null;
                if (address != old.Address) return Fail(PropertyFamily.Blocks, KeptInPlace(old), Hex(address), $"{What(old.Id)} moved a block it must keep in place");
                if (CheckCalls(old.Id) is { } routing) return Fail(PropertyFamily.Routing, KeptInPlace(old), Show(Calls()), routing);
                // Same address and list entry: the new block replaces old everywhere, nothing to remove first.
                AddBlock(new LiveBlock(State.NextBlockId, address, bytes, old.Capacity, BlockKind.Pymalloc, content), index);
            }
            else
            {
                bool small = G.IsSmallRequest(bytes);
                expected = small ? "a new pymalloc block, old one freed" : "a new system block, old one freed";
                if (address == old.Address) return Fail(PropertyFamily.Blocks, expected, Hex(address), $"{What(old.Id)} kept a block it must move");
                SystemEvent? call = small ? null : new SystemMallocCalled(address, bytes);
                if (PlaceNewBlock(bytes, call, content, index, old.Id) is { } error) return Fail(error.Item1, expected, Hex(address), error.Item2);
                RemoveBlock(old, listIndex: null); // PlaceNewBlock already replaced its list entry
            }
            if (ApplyReturned(allowed: true) is { } returned)
                return Fail(returned.Item1, "arenas returned only when empty", returned.Item2, returned.Item2);
            return expected is null ? Pass(PassShape.KeptInPlace, subject: old) : Pass(PassShape.Allocated, expected);
        }

        public StepResult Free(int index)
        {
            LiveBlock block = State.Blocks[index];
            bool pymalloc = block.Kind == BlockKind.Pymalloc;
            if (CheckOwnershipBeforeRelease(block.Address, pymalloc, block.Id) is { } wrong) return wrong;
            if (ApplyObtained(allowed: false) is { } arenaError) return Fail(PropertyFamily.Invariants, "no arena obtained", arenaError, arenaError);
            string? routing = pymalloc ? CheckCalls(block.Id) : CheckCalls(block.Id, new SystemFreeCalled(block.Address));
            if (routing is not null)
                return Fail(PropertyFamily.Routing, pymalloc ? "freed to its pool, no system call" : OneSystemFree(block.Address), Show(Calls()), routing);
            RemoveBlock(block, index);
            if (ApplyReturned(allowed: true) is { } returned) return Fail(returned.Item1, "arenas returned only when empty", returned.Item2, returned.Item2);
            return pymalloc ? Pass(PassShape.Freed, "freed to its pool, no system call") : Pass(PassShape.Freed, subjectAddress: block.Address);
        }

        public StepResult ForeignAlloc(ulong bytes)
        {
            ulong address = observed.Address;
            if (address == 0) return Fail(PropertyFamily.Blocks, "a foreign block", "NULL", "foreign allocation failed");
            if (observed.Events.Length != 0) return Fail(PropertyFamily.Routing, "no system event", Show(observed.Events), "a foreign allocation reached the heap's backend");
            if (State.ArenaContaining(address) is { } arena)
                return Fail(PropertyFamily.Blocks, "outside every live arena", Hex(address), $"foreign block {Hex(address)} lies in live arena {Hex(arena.Base)}");
            if (CheckNoOverlap(address, bytes) is { } overlap) return Fail(PropertyFamily.Blocks, "disjoint from live blocks", Hex(address), overlap);
            State = State with
            {
                Foreign = State.Foreign.Add(new ForeignBlock(State.NextForeignId, address, bytes)),
                NextForeignId = State.NextForeignId + 1,
            };
            return Pass(PassShape.ForeignAllocated, "a foreign block");
        }

        public StepResult ForeignFree(ForeignBlock block)
        {
            if (State.OwnershipOf(block.Address) != Ownership.NotOwned)
                return Fail(PropertyFamily.Blocks, "foreign block outside live arenas", Hex(block.Address), $"f{block.Id} now lies in a live arena");
            if (CheckOwnershipBeforeRelease(block.Address, expectOwned: false, block.Id) is { } wrong) return wrong;
            if (ApplyObtained(allowed: false) is { } arenaError) return Fail(PropertyFamily.Invariants, "no arena obtained", arenaError, arenaError);
            if (ApplyReturned(allowed: false) is { } returned) return Fail(returned.Item1, "no arena returned", returned.Item2, returned.Item2);
            if (CheckCalls(block.Id, new SystemFreeCalled(block.Address)) is { } routing)
                return Fail(PropertyFamily.Routing, OneSystemFree(block.Address), Show(Calls()), routing);
            State = State with { Foreign = State.Foreign.Remove(block) };
            return Pass(PassShape.ForeignFreed, subjectAddress: block.Address);
        }

        private static string QueryExpected(Ownership spec, bool unspecifiedMustBeOwned) => spec switch
        {
            Ownership.Owned => "Owned ⇒ true",
            Ownership.NotOwned => "NotOwned ⇒ false",
            _ when unspecifiedMustBeOwned => "in a live arena (arena map) ⇒ true",
            _ => "Unspecified ⇒ either",
        };

        private string QueryGarbage() => observed.Garbage is { } g
            ? $" (garbage {g.Class} = {Hex(g.Value)}, {g.Delivery.ToString().ToLowerInvariant()})" : "";

        private string QueryShown() => (observed.OwnedAnswer?.ToString().ToLowerInvariant() ?? "no answer") + QueryGarbage();

        public StepResult Query(ulong address)
        {
            Ownership spec = State.OwnershipOf(address);
            bool? answer = observed.OwnedAnswer;
            if (observed.Events.Length != 0)
                return Fail(PropertyFamily.Routing, "no system event", Show(observed.Events), "an ownership query reached the system allocator");
            if (answer is null) return Fail(PropertyFamily.Ownership, QueryExpected(spec, State.UnspecifiedMustBeOwned), QueryShown(), $"query {Hex(address)} gave no answer");
            bool ok = spec.Allows(answer.Value, State.UnspecifiedMustBeOwned);
            if (ok)
            {
                _querySpec = spec;
                return Pass(PassShape.Queried);
            }
            return Fail(PropertyFamily.Ownership, QueryExpected(spec, State.UnspecifiedMustBeOwned), QueryShown(),
                $"IsOwned({Hex(address)}) = {answer.Value.ToString().ToLowerInvariant()} but the address is {spec}{QueryGarbage()}");
        }

        public StepResult WriteTag(int index)
        {
            LiveBlock block = State.Blocks[index];
            int tag = State.NextTag;
            var tagged = block with { Content = new BlockContent(ContentKind.Tagged, tag, block.Size) };
            State = State with
            {
                Blocks = State.Blocks.SetItem(index, tagged),
                BlocksByStart = State.BlocksByStart.Remove(block).Add(tagged),
                NextTag = tag + 1,
            };
            return Pass(PassShape.Tagged, subject: block);
        }

        private static string ExpectedContent(BlockContent content) => content.Kind switch
        {
            ContentKind.Zero => $"first {content.ValidLength} bytes zero",
            ContentKind.Tagged => $"first {content.ValidLength} bytes of tag {content.Tag}",
            _ => "nothing known",
        };

        public StepResult CheckTag(LiveBlock block)
        {
            BlockContent content = block.Content;
            ImmutableArray<byte> bytes = observed.Content.IsDefault ? [] : observed.Content;
            if ((ulong)bytes.Length != content.ValidLength)
                return Fail(PropertyFamily.Blocks, ExpectedContent(content), $"{bytes.Length} bytes read", $"check_tag(b{block.Id}) read {bytes.Length} bytes, expected {content.ValidLength}");
            for (int i = 0; i < bytes.Length; i++)
            {
                byte want = content.ExpectedByte((ulong)i);
                if (bytes[i] != want)
                    return Fail(PropertyFamily.Blocks, ExpectedContent(content), $"byte {i} = 0x{bytes[i]:x2}",
                        $"b{block.Id} at {Hex(block.Address)} lost its contents: byte {i} is 0x{bytes[i]:x2}, expected 0x{want:x2}");
            }
            return Pass(PassShape.TagChecked, subject: block);
        }
    }
}
