using System.Collections.Immutable;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// The exact verdict of each way a step can fail or pass, as <c>StepVerdict.ToString()</c> prints it (family, message,
/// expected, observed): the properties, the CLI and counterexample files report these texts, and a reader decides from
/// them what broke.
/// </summary>
public class VerdictTextTests
{
    private const ulong A = Kit.ArenaBase;
    private const ulong B0 = Kit.FirstBlock;

    private static Observation Obs(ulong address = 0, bool? owned = null, params SystemEvent[] events) =>
        new() { Address = address, OwnedAnswer = owned, Events = [.. events] };

    private static string Text(ModelState s, Operation op, Observation o) => ReferenceModel.Step(s, op, o).Verdict.ToString();

    /// <summary>One block b0 (malloc 16 at the first block), a system block b1 at 0x900000 and a foreign block f0.</summary>
    private static ModelState Mixed()
    {
        ModelState s = Kit.WithOneBlock();
        s = Kit.Ok(s, new MallocOp(600), Obs(0x900000, null, new SystemMallocCalled(0x900000, 600))).State;
        return Kit.Ok(s, new ForeignAllocOp(32), Obs(0x800000)).State;
    }

    public static IEnumerable<object[]> Cases() =>
        Scenarios().Select(c => new object[] { c.Name });

    private static IEnumerable<(string Name, Func<string> Verdict)> Scenarios()
    {
        // States are built inside each case, not here: this runs at test discovery, outside every test, and code run
        // there makes Stryker run the whole suite for each of its mutants.
        yield return ("malloc-null", () => Text(Kit.Initial(), new MallocOp(16), Obs()));
        yield return ("malloc-small-by-system", () => Text(Kit.Initial(), new MallocOp(16), Obs(0x5000, null, new SystemMallocCalled(0x5000, 16))));
        yield return ("malloc-large-without-call", () => Text(Kit.Initial(), new MallocOp(600), Obs(0x5000)));
        yield return ("calloc-large-wrong-call", () => Text(Kit.Initial(), new CallocOp(2, 600), Obs(0x5000, null, new SystemMallocCalled(0x5000, 1200))));
        yield return ("calloc-large-ok", () => Text(Kit.Initial(), new CallocOp(2, 600), Obs(0x5000, null, new SystemCallocCalled(0x5000, 2, 600))));
        yield return ("malloc-small-ok", () => Text(Kit.WithOneBlock(), new MallocOp(16), Obs(B0 + 16)));
        yield return ("malloc-outside-arena", () => Text(Kit.WithOneBlock(), new MallocOp(16), Obs(0x5000)));
        yield return ("malloc-misaligned", () => Text(Kit.WithOneBlock(), new MallocOp(16), Obs(B0 + 8)));
        yield return ("malloc-off-boundary", () => Text(Kit.WithOneBlock(), new MallocOp(32), Obs(B0 + 16)));
        yield return ("malloc-in-header", () => Text(Kit.WithOneBlock(), new MallocOp(16), Obs(A + 16)));
        yield return ("malloc-overlap", () => Text(Kit.WithOneBlock(), new MallocOp(16), Obs(B0)));
        yield return ("malloc-overlaps-foreign", () => Text(
            Kit.WithOneBlock() with { Foreign = [new ForeignBlock(0, A + 8192 + 40, 64)] }, new MallocOp(16), Obs(A + 8192 + 48)));
        yield return ("malloc-system-inside-arena", () => Text(Kit.WithOneBlock(), new MallocOp(600), Obs(A + 8192, null, new SystemMallocCalled(A + 8192, 600))));
        yield return ("arena-null", () => Text(Kit.Initial(), new MallocOp(16), Obs(B0, null, new ArenaObtained(0, 65536))));
        yield return ("arena-wrong-size", () => Text(Kit.Initial(), new MallocOp(16), Obs(B0, null, new ArenaObtained(A, 4096))));
        yield return ("arena-overlap", () => Text(Kit.WithOneBlock(), new MallocOp(16), Obs(B0 + 16, null, new ArenaObtained(A + 4096, 65536))));
        yield return ("arena-returned-by-malloc", () => Text(Kit.WithOneBlock(), new MallocOp(16), Obs(B0 + 16, null, new ArenaReturned(A))));
        yield return ("free-pymalloc-ok", () => Text(Kit.WithOneBlock(), new FreeOp(0), Obs(B0, true)));
        yield return ("free-pymalloc-not-owned", () => Text(Kit.WithOneBlock(), new FreeOp(0), Obs(B0, false)));
        yield return ("free-pymalloc-no-answer", () => Text(Kit.WithOneBlock(), new FreeOp(0), Obs(B0)));
        yield return ("free-pymalloc-system-call", () => Text(Kit.WithOneBlock(), new FreeOp(0), Obs(B0, true, new SystemFreeCalled(B0, false))));
        yield return ("free-system-ok", () => Text(Mixed(), new FreeOp(1), Obs(0x900000, false, new SystemFreeCalled(0x900000))));
        yield return ("free-system-owned", () => Text(Mixed(), new FreeOp(1), Obs(0x900000, true)));
        yield return ("free-system-no-call", () => Text(Mixed(), new FreeOp(1), Obs(0x900000, false)));
        yield return ("free-system-two-calls", () => Text(Mixed(), new FreeOp(1), Obs(0x900000, false, new SystemFreeCalled(0x900000), new SystemFreeCalled(0x900000))));
        yield return ("free-obtains-arena", () => Text(Kit.WithOneBlock(), new FreeOp(0), Obs(B0, true, new ArenaObtained(0x200000, 65536))));
        yield return ("free-returns-arena", () => Text(Kit.WithOneBlock(), new FreeOp(0), Obs(B0, true, new ArenaReturned(A))));
        yield return ("free-returns-unknown-arena", () => Text(Kit.WithOneBlock(), new FreeOp(0), Obs(B0, true, new ArenaReturned(0x200000))));
        yield return ("free-returns-arena-still-used", () => Text(Mixed(), new FreeOp(1), Obs(0x900000, false, new SystemFreeCalled(0x900000), new ArenaReturned(A))));
        yield return ("realloc-in-place-ok", () => Text(Kit.WithOneBlock(), new ReallocOp(0, 13), Obs(B0, true)));
        yield return ("realloc-in-place-moved", () => Text(Kit.WithOneBlock(), new ReallocOp(0, 13), Obs(B0 + 16, true)));
        yield return ("realloc-in-place-system-call", () => Text(Kit.WithOneBlock(), new ReallocOp(0, 13), Obs(B0, true, new SystemMallocCalled(B0, 13))));
        yield return ("realloc-move-kept", () => Text(Kit.WithOneBlock(), new ReallocOp(0, 4), Obs(B0, true)));
        yield return ("realloc-move-ok", () => Text(Kit.WithOneBlock(), new ReallocOp(0, 4), Obs(B0 + 16, true)));
        yield return ("realloc-grow-to-system", () => Text(Kit.WithOneBlock(), new ReallocOp(0, 600), Obs(0x900000, true, new SystemMallocCalled(0x900000, 600))));
        yield return ("realloc-grow-to-system-no-call", () => Text(Kit.WithOneBlock(), new ReallocOp(0, 600), Obs(0x900000, true)));
        yield return ("realloc-not-owned", () => Text(Kit.WithOneBlock(), new ReallocOp(0, 13), Obs(B0, false)));
        yield return ("realloc-system-ok", () => Text(Mixed(), new ReallocOp(1, 700), Obs(0xa00000, false, new SystemReallocCalled(0x900000, 0xa00000, 700))));
        yield return ("realloc-system-null", () => Text(Mixed(), new ReallocOp(1, 700), Obs(0, false)));
        yield return ("realloc-system-no-call", () => Text(Mixed(), new ReallocOp(1, 700), Obs(0xa00000, false)));
        yield return ("realloc-system-overlaps-foreign", () => Text(Mixed(), new ReallocOp(1, 700), Obs(0x800000, false, new SystemReallocCalled(0x900000, 0x800000, 700))));
        yield return ("realloc-bad-arena", () => Text(Kit.WithOneBlock(), new ReallocOp(0, 4), Obs(B0 + 16, true, new ArenaObtained(0, 65536))));
        yield return ("realloc-returns-arena-wrongly", () => Text(Kit.WithOneBlock(), new ReallocOp(0, 4), Obs(B0 + 16, true, new ArenaReturned(A))));
        yield return ("foreign-alloc-ok", () => Text(Kit.WithOneBlock(), new ForeignAllocOp(8), Obs(0x800000)));
        yield return ("foreign-alloc-null", () => Text(Kit.WithOneBlock(), new ForeignAllocOp(8), Obs()));
        yield return ("foreign-alloc-event", () => Text(Kit.WithOneBlock(), new ForeignAllocOp(8), Obs(0x800000, null, new SystemMallocCalled(0x800000, 8))));
        yield return ("foreign-alloc-in-arena", () => Text(Kit.WithOneBlock(), new ForeignAllocOp(8), Obs(A + 8192)));
        yield return ("foreign-alloc-overlap", () => Text(Mixed(), new ForeignAllocOp(8), Obs(0x800000 + 8)));
        yield return ("foreign-free-ok", () => Text(Mixed(), new ForeignFreeOp(0), Obs(0x800000, false, new SystemFreeCalled(0x800000))));
        yield return ("foreign-free-owned", () => Text(Mixed(), new ForeignFreeOp(0), Obs(0x800000, true)));
        yield return ("foreign-free-no-call", () => Text(Mixed(), new ForeignFreeOp(0), Obs(0x800000, false)));
        yield return ("foreign-free-obtains", () => Text(Mixed(), new ForeignFreeOp(0), Obs(0x800000, false, new ArenaObtained(0x200000, 65536))));
        yield return ("foreign-free-returns", () => Text(Mixed(), new ForeignFreeOp(0), Obs(0x800000, false, new ArenaReturned(A))));
        yield return ("foreign-free-in-arena", () => Text(
            Mixed() with { Foreign = [new ForeignBlock(0, A + 8192, 8)] }, new ForeignFreeOp(0), Obs(A + 8192, false)));
        yield return ("query-owned-ok", () => Text(Kit.WithOneBlock(), Q(new BlockAddress(0, Edge.Start, 0)), Obs(B0, true)));
        yield return ("query-owned-false", () => Text(Kit.WithOneBlock(), Q(new BlockAddress(0, Edge.Start, 0)), Obs(B0, false) with
        {
            Garbage = new AppliedGarbage(GarbageClass.LiveSlot, 3, GarbageDelivery.Simulated),
        }));
        yield return ("query-not-owned-ok", () => Text(Kit.WithOneBlock(), Q(new ArenaAddress(0, Edge.End, 0)), Obs(0, false)));
        yield return ("query-unspecified-ok", () => Text(Kit.WithOneBlock(), Q(new ArenaAddress(0, Edge.Start, 8192)), Obs(0, true)));
        yield return ("query-unspecified-map", () => Text(Kit.WithOneBlock(arenaMap: true), Q(new ArenaAddress(0, Edge.Start, 8192)), Obs(0, true)));
        yield return ("query-no-answer", () => Text(Kit.WithOneBlock(), Q(new ArenaAddress(0, Edge.End, 0)), Obs()));
        yield return ("query-event", () => Text(Kit.WithOneBlock(), Q(new ArenaAddress(0, Edge.End, 0)), Obs(0, false, new SystemFreeCalled(5))));
        yield return ("query-garbage-written", () => Text(Kit.WithOneBlock(), Q(new ArenaAddress(0, Edge.End, 0)), Obs(0, false) with
        {
            Garbage = new AppliedGarbage(GarbageClass.TableSize, 1, GarbageDelivery.Written),
        }));
        yield return ("write-tag", () => Text(Kit.WithOneBlock(), new WriteTagOp(0), Obs()));
        yield return ("check-tag-unknown", () => Text(Kit.WithOneBlock(), new CheckTagOp(0), Obs()));
        yield return ("check-tag-wrong-length", () => Text(Tagged(), new CheckTagOp(0), Obs()));
        yield return ("check-tag-wrong-byte", () => Text(Tagged(), new CheckTagOp(0), new Observation { Content = [.. TagBytes(1, 16).Select((b, i) => i == 5 ? (byte)~b : b)] }));
        yield return ("check-tag-ok", () => Text(Tagged(), new CheckTagOp(0), new Observation { Content = [.. TagBytes(1, 16)] }));
        yield return ("check-zero-ok", () => Text(Kit.Ok(Kit.Initial(), new CallocOp(2, 4), Obs(B0, null, new ArenaObtained(A, 65536))).State,
            new CheckTagOp(0), new Observation { Content = [.. new byte[8]] }));
        yield return ("skip-free", () => Text(Kit.Initial(), new FreeOp(0), Obs()));
        yield return ("skip-foreign-free", () => Text(Kit.WithOneBlock(), new ForeignFreeOp(0), Obs()));
        yield return ("skip-query", () => Text(Kit.WithOneBlock(), Q(new ForeignAddress(0, 0)), Obs()));
        yield return ("fault", () => Text(Kit.WithOneBlock(), new FreeOp(0), new Observation { Fault = "boom" }));
        yield return ("fault-query", () => Text(Kit.WithOneBlock(), Q(new ArenaAddress(0, Edge.End, 0)), new Observation { Fault = "boom" }));
        yield return ("fault-malloc", () => Text(Kit.WithOneBlock(), new MallocOp(1), new Observation { Fault = "boom" }));
        yield return ("fault-with-invariant", () => Text(Kit.WithOneBlock(), new FreeOp(0), new Observation { Fault = "boom", InvariantViolation = "nfp2lasta" }));
        yield return ("invariant-after-pass", () => Text(Kit.WithOneBlock(), new FreeOp(0), Obs(B0, true) with { InvariantViolation = "usedpools" }));
    }

    private static QueryOp Q(AddressExpression at) => new(at, Garbage.Of(GarbageClass.TableSize));

    private static ModelState Tagged() => Kit.Ok(Kit.WithOneBlock(), new WriteTagOp(0), Obs()).State;

    private static byte[] TagBytes(int tag, int length) => [.. Enumerable.Range(0, length).Select(i => TagPattern.ByteAt(tag, (ulong)i))];

    private static readonly Dictionary<string, string> Expected = new()
    {
        ["malloc-null"] = "FAIL [Blocks] malloc(16) returned NULL (expected a pymalloc block; observed 0x0)",
        ["malloc-small-by-system"] = "FAIL [Routing] malloc(16): expected no system call, saw SystemMallocCalled { Address = 20480, Size = 16 } (expected a pymalloc block; observed 0x5000)",
        ["malloc-large-without-call"] = "FAIL [Routing] malloc(600): expected SystemMallocCalled { Address = 20480, Size = 600 }, saw no system call (expected one SystemMalloc; observed 0x5000)",
        ["calloc-large-wrong-call"] = "FAIL [Routing] calloc(2×600): expected SystemCallocCalled { Address = 20480, Count = 2, Size = 600 }, saw SystemMallocCalled { Address = 20480, Size = 1200 } (expected one SystemCalloc; observed 0x5000)",
        ["calloc-large-ok"] = "ok (expected one SystemCalloc; observed b0 = 0x5000)",
        ["malloc-small-ok"] = "ok (expected a pymalloc block; observed b1 = 0x100040)",
        ["malloc-outside-arena"] = "FAIL [Routing] small request served at 0x5000, which is in no live arena (expected a pymalloc block; observed 0x5000)",
        ["malloc-misaligned"] = "FAIL [Blocks] block 0x100038 is not 16-byte aligned (expected a pymalloc block; observed 0x100038)",
        ["malloc-off-boundary"] = "FAIL [Blocks] block 0x100040 is at pool offset 64, not on a 32-byte block boundary after the header (expected a pymalloc block; observed 0x100040)",
        ["malloc-in-header"] = "FAIL [Blocks] block 0x100010 is at pool offset 16, not on a 16-byte block boundary after the header (expected a pymalloc block; observed 0x100010)",
        ["malloc-overlap"] = "FAIL [Blocks] new block [0x100030, +16) overlaps live b0 at 0x100030 (expected a pymalloc block; observed 0x100030)",
        ["malloc-overlaps-foreign"] = "FAIL [Blocks] new block 0x102030 overlaps foreign block f0 (expected a pymalloc block; observed 0x102030)",
        ["malloc-system-inside-arena"] = "FAIL [Routing] system block 0x102000 lies inside live arena 0x100000 (expected one SystemMalloc; observed 0x102000)",
        ["arena-null"] = "FAIL [Invariants] arena 0x0 of 65536 bytes; expected a non-null arena of 65536 (expected a valid new arena; observed arena 0x0 of 65536 bytes; expected a non-null arena of 65536)",
        ["arena-wrong-size"] = "FAIL [Invariants] arena 0x100000 of 4096 bytes; expected a non-null arena of 65536 (expected a valid new arena; observed arena 0x100000 of 4096 bytes; expected a non-null arena of 65536)",
        ["arena-overlap"] = "FAIL [Invariants] arena 0x101000 overlaps live arena 0x100000 (expected a valid new arena; observed arena 0x101000 overlaps live arena 0x100000)",
        ["arena-returned-by-malloc"] = "FAIL [Invariants] arena 0x100000 returned by an operation that frees nothing (expected no arena returned; observed arena 0x100000 returned by an operation that frees nothing)",
        ["free-pymalloc-ok"] = "ok (expected freed to its pool, no system call; observed no system call)",
        ["free-pymalloc-not-owned"] = "FAIL [Ownership] free(b0): the heap's ownership test answers false for its own block 0x100030 (expected IsOwned(0x100030) = true; observed false)",
        ["free-pymalloc-no-answer"] = "FAIL [Ownership] free(b0): the heap's ownership test answers no answer for its own block 0x100030 (expected IsOwned(0x100030) = true; observed no answer)",
        ["free-pymalloc-system-call"] = "FAIL [Routing] free(b0): expected no system call, saw SystemFreeCalled { Address = 1048624, Known = False } (expected freed to its pool, no system call; observed SystemFreeCalled { Address = 1048624, Known = False })",
        ["free-system-ok"] = "ok (expected one system free of 0x900000; observed SystemFreeCalled { Address = 9437184, Known = True })",
        ["free-system-owned"] = "FAIL [Ownership] free(b1): the heap's ownership test answers true for a system block 0x900000 (expected IsOwned(0x900000) = false; observed true)",
        ["free-system-no-call"] = "FAIL [Routing] free(b1): expected SystemFreeCalled { Address = 9437184, Known = True }, saw no system call (expected one system free of 0x900000; observed no system call)",
        ["free-system-two-calls"] = "FAIL [Routing] free(b1): expected SystemFreeCalled { Address = 9437184, Known = True }, saw SystemFreeCalled { Address = 9437184, Known = True }, SystemFreeCalled { Address = 9437184, Known = True } (expected one system free of 0x900000; observed SystemFreeCalled { Address = 9437184, Known = True }, SystemFreeCalled { Address = 9437184, Known = True })",
        ["free-obtains-arena"] = "FAIL [Invariants] arena 0x200000 obtained by an operation that allocates nothing (expected no arena obtained; observed arena 0x200000 obtained by an operation that allocates nothing)",
        ["free-returns-arena"] = "ok (expected freed to its pool, no system call; observed no system call)",
        ["free-returns-unknown-arena"] = "FAIL [Invariants] returned arena 0x200000 is not a live arena (expected arenas returned only when empty; observed returned arena 0x200000 is not a live arena)",
        ["free-returns-arena-still-used"] = "FAIL [Blocks] arena 0x100000 returned while b0 still lives in it (expected arenas returned only when empty; observed arena 0x100000 returned while b0 still lives in it)",
        ["realloc-in-place-ok"] = "ok (expected the same pointer 0x100030 (n <= 16 and 4n > 3·16); observed b1 = 0x100030)",
        ["realloc-in-place-moved"] = "FAIL [Blocks] realloc(b0, 13) moved a block it must keep in place (expected the same pointer 0x100030 (n <= 16 and 4n > 3·16); observed 0x100040)",
        ["realloc-in-place-system-call"] = "FAIL [Routing] realloc(b0, 13): expected no system call, saw SystemMallocCalled { Address = 1048624, Size = 13 } (expected the same pointer 0x100030 (n <= 16 and 4n > 3·16); observed SystemMallocCalled { Address = 1048624, Size = 13 })",
        ["realloc-move-kept"] = "FAIL [Blocks] realloc(b0, 4) kept a block it must move (expected a new pymalloc block, old one freed; observed 0x100030)",
        ["realloc-move-ok"] = "ok (expected a new pymalloc block, old one freed; observed b1 = 0x100040)",
        ["realloc-grow-to-system"] = "ok (expected a new system block, old one freed; observed b1 = 0x900000)",
        ["realloc-grow-to-system-no-call"] = "FAIL [Routing] realloc(b0, 600): expected SystemMallocCalled { Address = 9437184, Size = 600 }, saw no system call (expected a new system block, old one freed; observed 0x900000)",
        ["realloc-not-owned"] = "FAIL [Ownership] realloc(b0, 13): the heap's ownership test answers false for its own block 0x100030 (expected IsOwned(0x100030) = true; observed false)",
        ["realloc-system-ok"] = "ok (expected a system realloc; observed b2 = 0xa00000)",
        ["realloc-system-null"] = "FAIL [Blocks] realloc(b1, 700) returned NULL (expected a system realloc; observed NULL)",
        ["realloc-system-no-call"] = "FAIL [Routing] realloc(b1, 700): expected SystemReallocCalled { OldAddress = 9437184, NewAddress = 10485760, Size = 700 }, saw no system call (expected a system realloc; observed no system call)",
        ["realloc-system-overlaps-foreign"] = "FAIL [Blocks] new block 0x800000 overlaps foreign block f0 (expected a system realloc; observed 0x800000)",
        ["realloc-bad-arena"] = "FAIL [Invariants] arena 0x0 of 65536 bytes; expected a non-null arena of 65536 (expected a valid new arena; observed arena 0x0 of 65536 bytes; expected a non-null arena of 65536)",
        ["realloc-returns-arena-wrongly"] = "FAIL [Blocks] arena 0x100000 returned while b1 still lives in it (expected arenas returned only when empty; observed arena 0x100000 returned while b1 still lives in it)",
        ["foreign-alloc-ok"] = "ok (expected a foreign block; observed f0 = 0x800000)",
        ["foreign-alloc-null"] = "FAIL [Blocks] foreign allocation failed (expected a foreign block; observed NULL)",
        ["foreign-alloc-event"] = "FAIL [Routing] a foreign allocation reached the heap's backend (expected no system event; observed SystemMallocCalled { Address = 8388608, Size = 8 })",
        ["foreign-alloc-in-arena"] = "FAIL [Blocks] foreign block 0x102000 lies in live arena 0x100000 (expected outside every live arena; observed 0x102000)",
        ["foreign-alloc-overlap"] = "FAIL [Blocks] new block 0x800008 overlaps foreign block f0 (expected disjoint from live blocks; observed 0x800008)",
        ["foreign-free-ok"] = "ok (expected one system free of 0x800000; observed SystemFreeCalled { Address = 8388608, Known = True })",
        ["foreign-free-owned"] = "FAIL [Ownership] free(f0): the heap's ownership test answers true for a system block 0x800000 (expected IsOwned(0x800000) = false; observed true)",
        ["foreign-free-no-call"] = "FAIL [Routing] free(f0): expected SystemFreeCalled { Address = 8388608, Known = True }, saw no system call (expected one system free of 0x800000; observed no system call)",
        ["foreign-free-obtains"] = "FAIL [Invariants] arena 0x200000 obtained by an operation that allocates nothing (expected no arena obtained; observed arena 0x200000 obtained by an operation that allocates nothing)",
        ["foreign-free-returns"] = "FAIL [Invariants] arena 0x100000 returned by an operation that frees nothing (expected no arena returned; observed arena 0x100000 returned by an operation that frees nothing)",
        ["foreign-free-in-arena"] = "FAIL [Blocks] f0 now lies in a live arena (expected foreign block outside live arenas; observed 0x102000)",
        ["query-owned-ok"] = "ok (expected Owned ⇒ true; observed true)",
        ["query-owned-false"] = "FAIL [Ownership] IsOwned(0x100030) = false but the address is Owned (garbage LiveSlot = 0x3, simulated) (expected Owned ⇒ true; observed false (garbage LiveSlot = 0x3, simulated))",
        ["query-not-owned-ok"] = "ok (expected NotOwned ⇒ false; observed false)",
        ["query-unspecified-ok"] = "ok (expected Unspecified ⇒ either; observed true)",
        ["query-unspecified-map"] = "ok (expected in a live arena (arena map) ⇒ true; observed true)",
        ["query-no-answer"] = "FAIL [Ownership] query 0x110000 gave no answer (expected NotOwned ⇒ false; observed no answer)",
        ["query-event"] = "FAIL [Routing] an ownership query reached the system allocator (expected no system event; observed SystemFreeCalled { Address = 5, Known = True })",
        ["query-garbage-written"] = "ok (expected NotOwned ⇒ false; observed false (garbage TableSize = 0x1, written))",
        ["write-tag"] = "ok (expected b0 tagged 1; observed written)",
        ["check-tag-unknown"] = "ok (expected nothing known; observed intact)",
        ["check-tag-wrong-length"] = "FAIL [Blocks] check_tag(b0) read 0 bytes, expected 16 (expected first 16 bytes of tag 1; observed 0 bytes read)",
        ["check-tag-wrong-byte"] = "FAIL [Blocks] b0 at 0x100030 lost its contents: byte 5 is 0x72, expected 0x8d (expected first 16 bytes of tag 1; observed byte 5 = 0x72)",
        ["check-tag-ok"] = "ok (expected first 16 bytes of tag 1; observed intact)",
        ["check-zero-ok"] = "ok (expected first 8 bytes zero; observed intact)",
        ["skip-free"] = "skipped (no live block)",
        ["skip-foreign-free"] = "skipped (no foreign block)",
        ["skip-query"] = "skipped (no object for Foreign)",
        ["fault"] = "FAIL [Routing] free(#0) threw: boom (expected the operation completes; observed threw boom)",
        ["fault-query"] = "FAIL [Ownership] is_owned(arena_end[0], garbage = maxarenas) threw: boom (expected the operation completes; observed threw boom)",
        ["fault-malloc"] = "FAIL [Blocks] malloc(1) threw: boom (expected the operation completes; observed threw boom)",
        ["fault-with-invariant"] = "FAIL [Invariants] free(#0) broke a heap invariant: nfp2lasta (expected every invariant holds; observed nfp2lasta)",
        ["invariant-after-pass"] = "FAIL [Invariants] heap invariant broken after free(#0): usedpools (expected CheckInvariants() holds; observed usedpools)",
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Verdict_text_is_exact(string name) =>
        Assert.Equal(Expected[name], Scenarios().Single(c => c.Name == name).Verdict());

    [Fact]
    public void Every_scenario_has_its_text() => Assert.Equal(Expected.Keys.Order(), Scenarios().Select(c => c.Name).Order());
}
