using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Options;

namespace PymallocVerify.Cli.Families.Smoke;

/// <summary>
/// Generates a workload one step at a time from a seed and the current live count (the only feedback it takes,
/// so a seed and a step count fully determine the program).
/// </summary>
public sealed class SmokeWorkload(Geometry geometry, WorkloadShape shape, ulong seed, int totalSteps, bool allowLargeRequests,
                                  bool allowQueries, int foreignRegions)
{
    private const int ChurnWorkingSet = 200;
    private const int MixedLiveCap = 3000;
    private const int MixedPhaseLength = 1000;
    private SplitMix64 _rng = new(seed);
    private int _step;

    /// <summary>A quarter of the cases ask only for the largest size classes: pools fill fast, so even big arenas
    /// fill, more arenas are added, and wholly free ones are handed back within a case.</summary>
    private readonly bool _largeClassesOnly = new SplitMix64(~seed).Chance(25);

    public SmokeOp Next(int liveCount)
    {
        int step = _step++;
        if (allowQueries && (liveCount > 0 || foreignRegions > 0) && _rng.Chance(liveCount == 0 ? 15 : 25))
            return liveCount > 0 && (foreignRegions == 0 || _rng.Chance(50)) ? QueryBlock(liveCount) : QueryForeign();
        return shape switch
        {
            WorkloadShape.Churn => Churn(liveCount),
            WorkloadShape.Fill => Fill(liveCount, step),
            _ => Mixed(liveCount, step),
        };
    }

    /// <summary>Alternating growth and shrink phases, so arenas are both added and handed back within one case.</summary>
    private SmokeOp Mixed(int live, int step)
    {
        if (live == 0) return Allocate();
        if (live >= MixedLiveCap) return Free(live);
        bool growing = step / MixedPhaseLength % 2 == 0;
        int r = _rng.NextInt(100);
        int allocate = growing ? 90 : 10;
        if (r < allocate) return Allocate();
        if (r < allocate + 5) return new SmokeOp(SmokeOpKind.Realloc, Size: RequestSize(), Handle: _rng.NextInt(live));
        return Free(live);
    }

    private SmokeOp Churn(int live)
    {
        if (live < ChurnWorkingSet / 2) return Allocate();
        int r = _rng.NextInt(100);
        if (live >= ChurnWorkingSet) return r < 85 ? Free(live) : new SmokeOp(SmokeOpKind.Realloc, Size: RequestSize(), Handle: _rng.NextInt(live));
        return r switch
        {
            < 45 => Allocate(),
            < 55 => new SmokeOp(SmokeOpKind.Realloc, Size: RequestSize(), Handle: _rng.NextInt(live)),
            _ => Free(live),
        };
    }

    /// <summary>First half allocates, second half frees every other block it finds (fragmenting the pools).</summary>
    private SmokeOp Fill(int live, int step)
    {
        if (step < totalSteps / 2 || live == 0) return Allocate();
        return Free(live, preferEven: true);
    }

    private SmokeOp Allocate()
    {
        if (_rng.Chance(12))
        {
            ulong total = RequestSize();
            ulong count = total == 0 ? (ulong)_rng.NextInt(3) : (ulong)_rng.NextInt(4) + 1;
            ulong size = count == 0 ? total : Math.Max(1, total / count);
            return new SmokeOp(SmokeOpKind.Calloc, Size: size, Count: count);
        }
        return new SmokeOp(SmokeOpKind.Malloc, Size: RequestSize());
    }

    private SmokeOp Free(int live, bool preferEven = false)
    {
        int handle = _rng.NextInt(live);
        if (preferEven) handle &= ~1;
        return new SmokeOp(SmokeOpKind.Free, Handle: Math.Min(handle, live - 1));
    }

    private SmokeOp QueryBlock(int live) =>
        new(SmokeOpKind.QueryBlock, Handle: _rng.NextInt(live), Part: (BlockPart)_rng.NextInt(3));

    private SmokeOp QueryForeign() =>
        new(SmokeOpKind.QueryForeign, Region: _rng.NextInt(foreignRegions), Part: (BlockPart)_rng.NextInt(3),
            Garbage: (GarbageClass)_rng.NextInt(Enum.GetValues<GarbageClass>().Length), RandomValue: _rng.NextUInt32());

    /// <summary>Mostly small requests spread over every size class; some zero-byte and (when safe) large ones.</summary>
    private ulong RequestSize()
    {
        int r = _rng.NextInt(100);
        int threshold = geometry.SmallRequestThreshold;
        if (r < 3) return 0;
        if (allowLargeRequests && r < 10) return (ulong)(threshold + 1 + _rng.NextInt(threshold * 7));
        int classes = geometry.NumSizeClasses;
        int sizeClass = _largeClassesOnly ? classes - 1 - _rng.NextInt(Math.Max(1, classes / 4)) : _rng.NextInt(classes);
        return (ulong)(sizeClass * geometry.Alignment + 1 + _rng.NextInt(geometry.Alignment));
    }
}
