using System.Collections.Immutable;
using System.Diagnostics;
using PymallocVerify.Model;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Shrinking;

/// <summary>
/// The shrunk case, how it failed, and what shrinking cost. <see cref="Complete"/>: no candidate of the last case
/// still fails (a local minimum); false when the attempts, the time or a cancellation cut shrinking short — the
/// case is then the shortest failing one found so far.
/// </summary>
public sealed record ShrinkResult(TestCase Case, RunOutcome Outcome, int Attempts, int Accepted, TimeSpan Elapsed, bool Complete = true);

/// <summary>
/// Greedy shrinking to a local minimum: after each accepted candidate the case is cut just after its failing step
/// (the run stops there, so later operations are noise), then candidates are tried in order of how much they
/// remove — chunks of operations (halves down to single ops), then simpler arguments (sizes toward 1, handles and
/// offsets toward 0, garbage toward the simplest class that still fails), then pool-aligned arenas. FsCheck's own
/// state-machine shrinking (FsCheck.Experimental) only drops whole operations; this also shrinks every argument.
/// </summary>
public static class CaseShrinker
{
    public static ShrinkResult Shrink(TestCase failing, RunOutcome outcome, Func<TestCase, RunOutcome> run,
        int maxAttempts = 3000, TimeSpan? budget = null, CancellationToken cancellation = default)
    {
        if (!outcome.Failed) throw new ArgumentException("only a failing case can be shrunk");
        var clock = Stopwatch.StartNew();
        TestCase best = Truncate(failing, outcome);
        int attempts = 0, accepted = 0;
        bool improved = true;
        while (improved && attempts < maxAttempts && !cancellation.IsCancellationRequested
               && (budget is null || clock.Elapsed < budget))
        {
            improved = false;
            foreach (TestCase candidate in Candidates(best))
            {
                if (attempts >= maxAttempts || cancellation.IsCancellationRequested || (budget is not null && clock.Elapsed >= budget)) break;
                attempts++;
                RunOutcome o = run(candidate);
                if (!o.Failed) continue;
                best = Truncate(candidate, o);
                outcome = o;
                accepted++;
                improved = true;
                break;
            }
        }
        return new ShrinkResult(best, outcome, attempts, accepted, clock.Elapsed, Complete: !improved);
    }

    /// <summary>Drops the operations after the failing one (teardown failures keep the whole case).</summary>
    public static TestCase Truncate(TestCase testCase, RunOutcome outcome) =>
        outcome.Failure is { } f && f.Step + 1 < testCase.Operations.Length
            ? testCase with { Operations = testCase.Operations[..(f.Step + 1)] }
            : testCase;

    public static IEnumerable<TestCase> Candidates(TestCase testCase)
    {
        ImmutableArray<Operation> ops = testCase.Operations;
        for (int chunk = ops.Length / 2; chunk >= 1; chunk /= 2)
            for (int start = 0; start + chunk <= ops.Length; start += chunk)
                yield return testCase with { Operations = ops.RemoveRange(start, chunk) };

        // Last operation first: after truncation it is the failing one, and simplifying it (an address that needs no
        // object) is what lets the chunk deletions of the next round drop everything before it.
        for (int i = ops.Length - 1; i >= 0; i--)
            foreach (Operation simpler in Simplify(ops[i]))
                yield return testCase with { Operations = ops.SetItem(i, simpler) };

        if (testCase.ArenaHeadOffsets is not [0])
            yield return testCase with { ArenaHeadOffsets = [0] };
        if (testCase.ArenaHeadOffsets.Length > 1)
            yield return testCase with { ArenaHeadOffsets = [testCase.ArenaHeadOffsets[0]] };
    }

    /// <summary>Simpler versions of one operation, biggest jump first.</summary>
    public static IEnumerable<Operation> Simplify(Operation op)
    {
        switch (op)
        {
            case MallocOp m:
                foreach (int n in Smaller(m.Size)) yield return new MallocOp(n);
                break;
            case CallocOp c:
                if ((long)c.Count * c.Size <= Operation.MaxRequestBytes) yield return new MallocOp(c.Count * c.Size);
                foreach (int k in Smaller(c.Count)) yield return c with { Count = k };
                foreach (int n in Smaller(c.Size)) yield return c with { Size = n };
                break;
            case ReallocOp r:
                foreach (int h in SimplerHandles(r.Handle)) yield return r with { Handle = h };
                foreach (int n in Smaller(r.Size)) yield return r with { Size = n };
                break;
            case FreeOp f:
                foreach (int h in SimplerHandles(f.Handle)) yield return new FreeOp(h);
                break;
            case ForeignAllocOp a:
                foreach (int n in Smaller(a.Size)) if (n > 0) yield return new ForeignAllocOp(n);
                break;
            case ForeignFreeOp f:
                foreach (int h in SimplerHandles(f.Handle)) yield return new ForeignFreeOp(h);
                break;
            case WriteTagOp w:
                foreach (int h in SimplerHandles(w.Handle)) yield return new WriteTagOp(h);
                break;
            case CheckTagOp c:
                foreach (int h in SimplerHandles(c.Handle)) yield return new CheckTagOp(h);
                break;
            case QueryOp q:
                foreach (Garbage g in SimplerGarbage(q.Garbage)) yield return q with { Garbage = g };
                foreach (AddressExpression a in SimplerAddresses(q.Address)) yield return q with { Address = a };
                break;
        }
    }

    /// <summary>Toward zero: 0, then half, then one less (sizes stop at 1 before 0 so a small request stays small).</summary>
    private static IEnumerable<int> Smaller(int n)
    {
        if (n <= 0) yield break;
        if (n > 1) yield return 1;
        if (n > 3) yield return n / 2;
        if (n > 2) yield return n - 1;
    }

    private static IEnumerable<int> SimplerHandles(int h)
    {
        if (h == 0) yield break;
        yield return 0;
        if (h < -1) yield return -1;
        if (Math.Abs(h) > 2) yield return h / 2;
        if (h > 1) yield return h - 1;
    }

    private static IEnumerable<long> SimplerOffsets(long k)
    {
        if (k == 0) yield break;
        yield return 0;
        if (Math.Abs(k) > 2) yield return k / 2;
        yield return k > 0 ? k - 1 : k + 1;
    }

    private static IEnumerable<ulong> SimplerValues(ulong v)
    {
        if (v == 0) yield break;
        yield return 0;
        if (v > 2) yield return v / 2;
        if (v > 16) yield return v & ~15UL;
        yield return v - 1;
    }

    private static IEnumerable<Garbage> SimplerGarbage(Garbage g)
    {
        for (GarbageClass c = GarbageClass.TableSize; c < g.Class; c++)
            yield return new Garbage(c);
        if (g.Value != 0)
        {
            yield return g with { Value = 0 };
            yield return g with { Value = g.Value / 2 };
        }
    }

    private static IEnumerable<AddressExpression> SimplerAddresses(AddressExpression a)
    {
        // The simplest address of all needs no object: try it before simplifying the expression it replaces.
        if (a is not LowAddress) yield return new LowAddress(0);
        switch (a)
        {
            case BlockAddress b:
                foreach (long k in SimplerOffsets(b.Offset)) yield return b with { Offset = k };
                foreach (int h in SimplerHandles(b.Handle)) yield return b with { Handle = h };
                if (b.Edge == Edge.End) yield return b with { Edge = Edge.Start };
                break;
            case PoolAddress p:
                foreach (long k in SimplerOffsets(p.Offset)) yield return p with { Offset = k };
                foreach (int h in SimplerHandles(p.Handle)) yield return p with { Handle = h };
                if (p.Edge == Edge.End) yield return p with { Edge = Edge.Start };
                break;
            case ArenaAddress r:
                foreach (long k in SimplerOffsets(r.Offset)) yield return r with { Offset = k };
                foreach (int h in SimplerHandles(r.Arena)) yield return r with { Arena = h };
                if (r.Edge == Edge.End) yield return r with { Edge = Edge.Start };
                break;
            case ForeignAddress f:
                foreach (long k in SimplerOffsets(f.Offset)) yield return f with { Offset = k };
                foreach (int h in SimplerHandles(f.Handle)) yield return f with { Handle = h };
                break;
            case FreedArenaAddress r:
                foreach (ulong v in SimplerValues(r.Offset)) yield return r with { Offset = v };
                foreach (int h in SimplerHandles(r.Arena)) yield return r with { Arena = h };
                break;
            case LowAddress l:
                foreach (ulong v in SimplerValues(l.Value)) yield return new LowAddress(v);
                break;
            case TopAddress t:
                foreach (ulong v in SimplerValues(t.Distance)) yield return new TopAddress(v);
                break;
        }
    }
}
