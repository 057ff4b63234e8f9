using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Exhaustive;

/// <summary>
/// The explorer's finite alphabet. Mutations: a malloc of each size class and one of system size; a free and a realloc
/// of each live block; a foreign allocation (while fewer than <see cref="MaxForeign"/>) and a free of each foreign
/// block. Checks (run in every state; they change nothing): queries at every boundary address kind, cycling through
/// the garbage classes — and wherever the index read sees garbage the runner re-evaluates under every value anyway.
/// </summary>
public sealed class ExplorationAlphabet
{
    public const int MaxForeign = 2;

    private readonly ImmutableArray<Operation> _mallocs;
    private readonly int _reallocSize;
    private readonly int _foreignSize;

    public ExplorationAlphabet(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        _mallocs = [.. Enumerable.Range(0, geometry.NumSizeClasses).Select(c => (Operation)new MallocOp(geometry.BlockSize(c))),
                    new MallocOp(geometry.SmallRequestThreshold + 1)];
        // A size whose class is neither the smallest nor the largest: in place for its own class, a move for the others.
        _reallocSize = geometry.BlockSize(Math.Max(0, geometry.NumSizeClasses - 2));
        _foreignSize = 2 * geometry.Alignment;
        Checks = BuildChecks(geometry);
    }

    /// <summary>The queries run in every state.</summary>
    public ImmutableArray<Operation> Checks { get; }

    /// <summary>The mutations applicable with <paramref name="blocks"/> live and <paramref name="foreign"/> foreign blocks.</summary>
    public IEnumerable<Operation> Mutations(int blocks, int foreign)
    {
        foreach (Operation m in _mallocs) yield return m;
        for (int h = 0; h < blocks; h++) yield return new FreeOp(h);
        for (int h = 0; h < blocks; h++) yield return new ReallocOp(h, _reallocSize);
        if (foreign < MaxForeign) yield return new ForeignAllocOp(_foreignSize);
        for (int h = 0; h < foreign; h++) yield return new ForeignFreeOp(h);
    }

    private static ImmutableArray<Operation> BuildChecks(Geometry g)
    {
        long pool = g.PoolSize;
        AddressExpression[] addresses =
        [
            new LowAddress(0),
            new TopAddress(0),
            new ArenaAddress(0, Edge.Start, 0),
            new ArenaAddress(0, Edge.Start, -1),
            new ArenaAddress(0, Edge.End, -1),
            new ArenaAddress(0, Edge.End, 0),
            new ArenaAddress(-1, Edge.Start, -16),
            new ArenaAddress(-1, Edge.End, 0),
            new BlockAddress(0, Edge.Start, 0),
            new BlockAddress(-1, Edge.End, 0),
            new PoolAddress(0, Edge.Start, -1),
            new PoolAddress(-1, Edge.End, 0),
            new ForeignAddress(0, 0),
            new ForeignAddress(-1, g.Alignment),
            new FreedArenaAddress(0, (ulong)(pool + g.PoolOverhead)),
        ];
        GarbageClass[] classes = Enum.GetValues<GarbageClass>();
        return [.. addresses.Select((a, i) => (Operation)new QueryOp(a, new Garbage(classes[i % classes.Length], (uint)i)))];
    }
}
