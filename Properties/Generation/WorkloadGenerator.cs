using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Generation;

/// <summary>
/// Long workloads in the operation language, drawn from a seed with <see cref="SplitMix64"/> (no FsCheck: a seed and a
/// length fix the program): thousands of live blocks over many arenas, where the FsCheck cases stay short. Every
/// workload mixes in ownership queries at block bases and last bytes and in foreign blocks (under each garbage class),
/// content tags, and foreign allocations. The <see cref="CaseRunner"/> checks every step against the model.
/// </summary>
public static class WorkloadGenerator
{
    /// <summary>The address kinds a workload's queries aim at.</summary>
    public static IReadOnlyList<AddressKind> AddressKinds { get; } = [AddressKind.BlockBase, AddressKind.BlockEnd, AddressKind.Foreign];

    private const int ChurnWorkingSet = 200;
    private const int MixedLiveCap = 3000;
    private const int MaxForeignBlocks = 4;

    public static TestCase Generate(WorkloadShape shape, Geometry geometry, ulong seed, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var draw = new Draw(geometry, seed);
        var ops = ImmutableArray.CreateBuilder<Operation>(steps);
        for (int step = 0; step < steps; step++)
            ops.Add(draw.Extra() ?? shape switch
            {
                WorkloadShape.Churn => draw.Churn(),
                WorkloadShape.Fill => draw.Fill(step < steps / 2),
                _ => draw.Mixed(growing: step < steps / 4 * 3),
            });
        return new TestCase(ops.MoveToImmutable(), draw.HeadOffsets());
    }

    /// <summary>The draws, and the live and foreign counts they keep in step with the model's lists.</summary>
    private sealed class Draw(Geometry geometry, ulong seed)
    {
        private SplitMix64 _random = new(seed);
        private int _live;
        private int _foreign;
        private int _fillCursor;
        private bool _fillPassDone;

        /// <summary>A quarter of the workloads ask only for the largest size classes: pools and arenas fill fast.</summary>
        private readonly bool _largeClassesOnly = new SplitMix64(~seed).Chance(25);

        /// <summary>Arena head offsets, cycled per arena: half of them pool-aligned, the rest lose their first pool.</summary>
        public ImmutableArray<int> HeadOffsets()
        {
            int slots = geometry.PoolSize / 16;
            var offsets = ImmutableArray.CreateBuilder<int>(4);
            for (int i = 0; i < 4; i++) offsets.Add(_random.Chance(50) ? 0 : 16 * _random.NextInt(1, slots));
            return offsets.MoveToImmutable();
        }

        /// <summary>A step that is not the shape's own: a query, a tag, a foreign block; null most of the time.</summary>
        public Operation? Extra()
        {
            int r = _random.NextInt(100);
            if (r < 14 && (_live > 0 || _foreign > 0)) return Query();
            if (r < 16 && _live > 0) return new WriteTagOp(Handle());
            if (r < 18 && _live > 0) return new CheckTagOp(Handle());
            if (r < 19 && _foreign < MaxForeignBlocks)
            {
                _foreign++;
                return new ForeignAllocOp(_random.NextInt(64, 2 * geometry.PoolSize + 1));
            }
            if (r < 20 && _foreign > 0)
            {
                _foreign--;
                return new ForeignFreeOp(_random.NextInt(_foreign + 1));
            }
            return null;
        }

        public Operation Mixed(bool growing)
        {
            if (_live == 0) return Allocate();
            if (_live >= MixedLiveCap) return Free();
            int r = _random.NextInt(100);
            int allocate = growing ? 90 : 10;
            if (r < allocate) return Allocate();
            return r < allocate + 5 ? Realloc() : Free();
        }

        public Operation Churn()
        {
            if (_live < ChurnWorkingSet / 2) return Allocate();
            int r = _random.NextInt(100);
            if (_live >= ChurnWorkingSet) return r < 85 ? Free() : Realloc();
            return r switch { < 45 => Allocate(), < 55 => Realloc(), _ => Free() };
        }

        /// <summary>
        /// Allocating; then one pass freeing blocks 0, 1, 2, … of the shrinking list (every other one of the original
        /// blocks); then frees and allocations at random, so the holes in the fragmented pools are reused.
        /// </summary>
        public Operation Fill(bool allocating)
        {
            if (allocating || _live == 0) return Allocate();
            if (_fillCursor >= _live) _fillPassDone = true;
            if (_fillPassDone) return _random.Chance(50) ? Allocate() : Free();
            _live--;
            return new FreeOp(_fillCursor++);
        }

        private Operation Allocate()
        {
            _live++;
            if (!_random.Chance(12)) return new MallocOp(RequestSize());
            int total = RequestSize();
            int count = total == 0 ? _random.NextInt(3) : _random.NextInt(1, 5);
            return new CallocOp(count, count == 0 ? total : Math.Max(1, total / count));
        }

        private Operation Realloc() => new ReallocOp(Handle(), RequestSize());

        private Operation Free()
        {
            int handle = Handle();
            _live--;
            return new FreeOp(handle);
        }

        private int Handle() => _random.NextInt(_live);

        /// <summary>At a live block's base or last byte, or in a foreign block, under a garbage value of every class.</summary>
        private Operation Query()
        {
            AddressExpression address = _foreign == 0 || (_live > 0 && _random.Chance(75))
                ? _random.Chance(50) ? new BlockAddress(Handle(), Edge.Start, 0) : new BlockAddress(Handle(), Edge.End, -1)
                : new ForeignAddress(_random.NextInt(_foreign), _random.Chance(50) ? 0 : 63);
            var garbageClass = (GarbageClass)_random.NextInt(Enum.GetValues<GarbageClass>().Length);
            return new QueryOp(address, new Garbage(garbageClass, _random.NextUInt32()));
        }

        /// <summary>Mostly small requests over every size class; some zero-byte and some above the threshold.</summary>
        private int RequestSize()
        {
            int r = _random.NextInt(100);
            int threshold = geometry.SmallRequestThreshold;
            if (r < 3) return 0;
            if (r < 10) return threshold + 1 + _random.NextInt(threshold * 7);
            int classes = geometry.NumSizeClasses;
            int sizeClass = _largeClassesOnly ? classes - 1 - _random.NextInt(Math.Max(1, classes / 4)) : _random.NextInt(classes);
            return sizeClass * geometry.Alignment + 1 + _random.NextInt(geometry.Alignment);
        }
    }
}
