using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Generation;

/// <summary>
/// FsCheck generators for cases, weighted so every garbage class and address kind actually occurs (measured by
/// <see cref="CoverageTable"/>): sizes cluster at class boundaries and the threshold, addresses at block, pool and
/// arena edges, and some cases open with a churn episode that fills an arena, spills into a second one and frees
/// everything, so one arena is returned and its slot becomes a released slot.
/// </summary>
public static class CaseGenerators
{
    /// <param name="churnPercent">How many cases (in percent) open with a churn episode.</param>
    public static Gen<TestCase> Cases(Geometry geometry, int churnPercent)
    {
        Gen<Operation> op = Operations(geometry);
        Gen<ImmutableArray<Operation>> body = Gen.Sized(n => Gen.Choose(Math.Max(1, n / 2), Math.Max(1, n)).SelectMany(len => Gen.ListOf(op, len)))
            .Select(list => list.ToImmutableArray());
        // Where a 17th arena is a few hundred operations away, some programs open by growing the arena table.
        int growthPercent = BlocksToGrowTable(geometry) <= MaxGrowthPrelude ? 3 : 0;
        Gen<ImmutableArray<Operation>> churn = Gen.Frequency(
            (churnPercent, Churn(geometry)),
            (growthPercent, Gen.Constant(GrowTable(geometry))),
            (100 - churnPercent - growthPercent, Gen.Constant(ImmutableArray<Operation>.Empty)));
        Gen<ImmutableArray<int>> heads = HeadOffsets(geometry);
        return churn.SelectMany(prefix => body, (prefix, ops) => prefix.AddRange(ops))
            .SelectMany(_ => heads, (ops, h) => new TestCase(ops, h));
    }

    /// <summary>How many blocks of the largest class fill one arena, plus one that needs a second arena.</summary>
    public static int BlocksToSpill(Geometry g) => g.BlocksPerPool(g.NumSizeClasses - 1) * g.MaxPoolsInArena + 1;

    /// <summary>The longest table-growth prelude generated: only small geometries get one.</summary>
    public const int MaxGrowthPrelude = 400;

    /// <summary>Blocks of the largest class that fill the first arena table (16 arenas), plus one that grows it.</summary>
    public static int BlocksToGrowTable(Geometry g) => (BlocksToSpill(g) - 1) * 16 + 1;

    /// <summary>Fill sixteen arenas and open a seventeenth: the arena table grows while every slot is live.</summary>
    public static ImmutableArray<Operation> GrowTable(Geometry g) =>
        [.. Enumerable.Repeat<Operation>(new MallocOp(g.SmallRequestThreshold), BlocksToGrowTable(g))];

    /// <summary>The longest spill that a churn episode repeats after its queries (small geometries only).</summary>
    public const int MaxRefill = 100;

    /// <summary>
    /// Fill an arena, spill into a second, free everything (one arena goes back), then aim at what is left; on small
    /// geometries, half the time, fill and spill again, so a new arena opens after one was released (where the
    /// system may put it at the released address).
    /// </summary>
    public static Gen<ImmutableArray<Operation>> Churn(Geometry g)
    {
        int k = BlocksToSpill(g);
        var ops = ImmutableArray.CreateBuilder<Operation>();
        for (int i = 0; i < k; i++) ops.Add(new MallocOp(g.SmallRequestThreshold));
        for (int i = 0; i < k; i++) ops.Add(new FreeOp(0));
        ImmutableArray<Operation> fixedPart = ops.ToImmutable();
        ImmutableArray<Operation> refill = [.. Enumerable.Repeat<Operation>(new MallocOp(g.SmallRequestThreshold), k)];
        Gen<bool> refills = k <= MaxRefill ? Gen.Elements(false, true) : Gen.Constant(false);
        return Gen.ListOf(Gen.Zip(FreedArenaOrLow(g), GarbageGen(g)).Select(t => (Operation)new QueryOp(t.Item1, t.Item2)), 4)
            .SelectMany(_ => refills, (queries, again) => again ? fixedPart.AddRange(queries).AddRange(refill) : fixedPart.AddRange(queries));
    }

    private static Gen<AddressExpression> FreedArenaOrLow(Geometry g) => Gen.Frequency(
        (4, Gen.Choose(0, g.MaxPoolsInArena - 1).Select(pool => (AddressExpression)new FreedArenaAddress(0, (ulong)pool * (ulong)g.PoolSize + 16))),
        (1, Gen.Choose(0, 255).Select(v => (AddressExpression)new LowAddress((ulong)v * 16))),
        (1, Gen.Constant((AddressExpression)new ArenaAddress(0, Edge.End, 0))));

    public static Gen<ImmutableArray<int>> HeadOffsets(Geometry g)
    {
        int half = g.PoolSize / 2 / 16 * 16;
        return Gen.Frequency(
            (3, Gen.Constant(ImmutableArray.Create(0))),
            (3, Gen.Constant(ImmutableArray.Create(16))),
            (2, Gen.Constant(ImmutableArray.Create(half))),
            (2, Gen.Constant(ImmutableArray.Create(0, 16))),
            (1, Gen.Constant(ImmutableArray.Create(g.PoolSize - 16, 0))));
    }

    public static Gen<Operation> Operations(Geometry g)
    {
        Gen<int> size = Sizes(g);
        Gen<int> handle = Handles();
        return Gen.Frequency(
            (20, size.Select(n => (Operation)new MallocOp(n))),
            (4, Gen.Zip(Gen.Choose(0, 8), Gen.Choose(0, g.SmallRequestThreshold / 2)).Select(t => (Operation)new CallocOp(t.Item1, t.Item2))),
            (6, Gen.Zip(handle, size).Select(t => (Operation)new ReallocOp(t.Item1, t.Item2))),
            (14, handle.Select(h => (Operation)new FreeOp(h))),
            (4, Gen.Choose(1, 2 * g.PoolSize).Select(n => (Operation)new ForeignAllocOp(n))),
            (2, handle.Select(h => (Operation)new ForeignFreeOp(h))),
            (30, Gen.Zip(Addresses(g), GarbageGen(g)).Select(t => (Operation)new QueryOp(t.Item1, t.Item2))),
            (6, handle.Select(h => (Operation)new WriteTagOp(h))),
            (6, handle.Select(h => (Operation)new CheckTagOp(h))));
    }

    public static Gen<int> Sizes(Geometry g)
    {
        int t = g.SmallRequestThreshold;
        return Gen.Frequency(
            (4, Gen.Choose(1, 2 * g.Alignment)),
            (6, Gen.Choose(1, t)),
            (2, Gen.Constant(t)),
            (1, Gen.Constant(0)),
            (2, Gen.Choose(t + 1, 4 * t)),
            (1, Gen.Choose(t + 1, 2 * g.PoolSize)));
    }

    public static Gen<int> Handles() => Gen.Frequency(
        (6, Gen.Choose(0, 7)),
        (2, Gen.Choose(-3, -1)),
        (1, Gen.Choose(8, 40)));

    /// <summary>Offsets at the edges that matter: a byte, a word, the alignment, the pool header, half and whole pools.</summary>
    public static Gen<long> Offsets(Geometry g)
    {
        long pool = g.PoolSize;
        long[] edges = [0, 1, -1, 8, -8, 16, -16, 32, 47, 48, -48, pool / 2, -pool / 2, pool - 1, -pool, pool, 1 - pool];
        return Gen.Frequency(
            (6, Gen.Elements(edges)),
            (2, Gen.Choose(-g.PoolSize, g.PoolSize).Select(v => (long)v)));
    }

    public static Gen<AddressExpression> Addresses(Geometry g)
    {
        Gen<int> handle = Handles();
        Gen<long> offset = Offsets(g);
        Gen<Edge> edge = Gen.Elements(Edge.Start, Edge.End);
        Gen<int> arena = Gen.Frequency((4, Gen.Constant(0)), (2, Gen.Choose(1, 3)), (1, Gen.Constant(-1)));
        return Gen.Frequency(
            (5, Zip3(handle, edge, offset).Select(t => (AddressExpression)new BlockAddress(t.Item1, t.Item2, t.Item3))),
            (4, Zip3(handle, edge, offset).Select(t => (AddressExpression)new PoolAddress(t.Item1, t.Item2, t.Item3))),
            (5, Zip3(arena, edge, offset).Select(t => (AddressExpression)new ArenaAddress(t.Item1, t.Item2, t.Item3))),
            (3, Gen.Zip(handle, Gen.Choose(0, g.PoolSize)).Select(t => (AddressExpression)new ForeignAddress(t.Item1, t.Item2))),
            (3, Zip3(arena, Gen.Choose(0, g.MaxPoolsInArena - 1), Gen.Elements(0L, 16L, 48L, 100L))
                .Select(t => (AddressExpression)new FreedArenaAddress(t.Item1, (ulong)(t.Item2 * (long)g.PoolSize + t.Item3)))),
            (2, Gen.Frequency((1, Gen.Constant(0)), (3, Gen.Choose(1, g.ArenaSize - 1))).Select(v => (AddressExpression)new LowAddress((ulong)v))),
            (2, Gen.Choose(0, 4096).Select(d => (AddressExpression)new TopAddress((ulong)d))));
    }

    public static Gen<Garbage> GarbageGen(Geometry g)
    {
        Gen<uint> slot = Gen.Choose(0, 15).Select(v => (uint)v);
        return Gen.Frequency(
            (3, Gen.Constant(Garbage.Of(GarbageClass.TableSize))),
            (3, Gen.Constant(Garbage.Of(GarbageClass.TableSizePlusOne))),
            (3, Gen.Constant(Garbage.Of(GarbageClass.UIntMax))),
            (3, slot.Select(v => new Garbage(GarbageClass.NeverUsedSlot, v))),
            (4, slot.Select(v => new Garbage(GarbageClass.ReleasedSlot, v))),
            (4, slot.Select(v => new Garbage(GarbageClass.LiveSlot, v))),
            (6, Gen.Constant(Garbage.Of(GarbageClass.AdjacentArenaSlot))),
            (3, Gen.Choose(int.MinValue, int.MaxValue).Select(v => new Garbage(GarbageClass.Random, unchecked((uint)v)))));
    }

    private static Gen<(T1, T2, T3)> Zip3<T1, T2, T3>(Gen<T1> a, Gen<T2> b, Gen<T3> c) =>
        a.SelectMany(x => b, (x, y) => (x, y)).SelectMany(_ => c, (xy, z) => (xy.x, xy.y, z));
}
