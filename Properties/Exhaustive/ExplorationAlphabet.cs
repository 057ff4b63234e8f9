using System.Collections.Concurrent;
using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Exhaustive;

/// <summary>
/// The explorer's finite alphabet. Mutations: a malloc of each size class and one of system size; a free and a realloc
/// of each live block; a foreign allocation (while fewer than <see cref="MaxForeign"/>) and a free of each foreign
/// block. Checks (run in every state; they change nothing): queries at every boundary address kind, cycling through
/// the garbage classes — and wherever the index read sees garbage the runner re-evaluates under every value anyway.
/// The queries about blocks, their pools and foreign blocks are asked of every handle, each kind with one garbage
/// class whatever the handle, so two states that differ only in their handles' order get the same checks (the
/// condition for handle symmetry, <see cref="CanonicalState"/>).
/// </summary>
public sealed class ExplorationAlphabet
{
    public const int MaxForeign = 2;

    private readonly ImmutableArray<Operation> _mallocs;
    private readonly int _reallocSize;
    private readonly int _foreignSize;
    private readonly ImmutableArray<Operation> _fixedChecks;
    private readonly (Func<int, AddressExpression> At, Garbage Garbage)[] _perBlock;
    private readonly (Func<int, AddressExpression> At, Garbage Garbage)[] _perForeign;
    private readonly ConcurrentDictionary<(int Blocks, int Foreign), ImmutableArray<Operation>> _checks = new();

    public ExplorationAlphabet(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        _mallocs = [.. Enumerable.Range(0, geometry.NumSizeClasses).Select(c => (Operation)new MallocOp(geometry.BlockSize(c))),
                    new MallocOp(geometry.SmallRequestThreshold + 1)];
        // A size whose class is neither the smallest nor the largest: in place for its own class, a move for the others.
        _reallocSize = geometry.BlockSize(Math.Max(0, geometry.NumSizeClasses - 2));
        _foreignSize = 2 * geometry.Alignment;

        long pool = geometry.PoolSize;
        GarbageClass[] classes = Enum.GetValues<GarbageClass>();
        int kind = 0;
        Garbage Next() => new(classes[kind % classes.Length], (uint)kind++);
        _fixedChecks =
        [
            .. new AddressExpression[]
            {
                new LowAddress(0),
                new TopAddress(0),
                new ArenaAddress(0, Edge.Start, 0),
                new ArenaAddress(0, Edge.Start, -1),
                new ArenaAddress(0, Edge.End, -1),
                new ArenaAddress(0, Edge.End, 0),
                new ArenaAddress(-1, Edge.Start, -16),
                new ArenaAddress(-1, Edge.End, 0),
                new FreedArenaAddress(0, (ulong)(pool + geometry.PoolOverhead)),
            }.Select(a => (Operation)new QueryOp(a, Next())),
        ];
        _perBlock =
        [
            (h => new BlockAddress(h, Edge.Start, 0), Next()),
            (h => new BlockAddress(h, Edge.End, 0), Next()),
            (h => new PoolAddress(h, Edge.Start, -1), Next()),
            (h => new PoolAddress(h, Edge.End, 0), Next()),
        ];
        _perForeign =
        [
            (h => new ForeignAddress(h, 0), Next()),
            (h => new ForeignAddress(h, geometry.Alignment), Next()),
        ];
    }

    /// <summary>
    /// The queries run in a state with <paramref name="blocks"/> live and <paramref name="foreign"/> foreign blocks:
    /// the fixed ones (address edges, arenas, a freed arena), then each block's base and end and its pool's edges,
    /// then each foreign block's base and an inside address.
    /// </summary>
    public ImmutableArray<Operation> ChecksFor(int blocks, int foreign) =>
        _checks.GetOrAdd((blocks, foreign), key =>
        [
            .. _fixedChecks,
            .. Enumerable.Range(0, key.Blocks).SelectMany(h => _perBlock.Select(q => (Operation)new QueryOp(q.At(h), q.Garbage))),
            .. Enumerable.Range(0, key.Foreign).SelectMany(h => _perForeign.Select(q => (Operation)new QueryOp(q.At(h), q.Garbage))),
        ]);

    /// <summary>The mutations applicable with <paramref name="blocks"/> live and <paramref name="foreign"/> foreign blocks.</summary>
    public IEnumerable<Operation> Mutations(int blocks, int foreign)
    {
        foreach (Operation m in _mallocs) yield return m;
        for (int h = 0; h < blocks; h++) yield return new FreeOp(h);
        for (int h = 0; h < blocks; h++) yield return new ReallocOp(h, _reallocSize);
        if (foreign < MaxForeign) yield return new ForeignAllocOp(_foreignSize);
        for (int h = 0; h < foreign; h++) yield return new ForeignFreeOp(h);
    }

    /// <summary>The live and foreign block counts after <paramref name="mutation"/>, if it succeeds.</summary>
    public static (int Blocks, int Foreign) CountsAfter(Operation mutation, int blocks, int foreign) => mutation switch
    {
        MallocOp or CallocOp => (blocks + 1, foreign),
        FreeOp => (blocks - 1, foreign),
        ForeignAllocOp => (blocks, foreign + 1),
        ForeignFreeOp => (blocks, foreign - 1),
        _ => (blocks, foreign),
    };
}
