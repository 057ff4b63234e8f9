using PymallocVerify.Allocator;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Running;

/// <summary>
/// Recognises <see cref="AllocatorSituation"/>s in one run, step by step, from the model's states before and after a
/// step and the heap's arena table (read-only). Knows only what any observer of the heap's results could know: which
/// block addresses were handed out and freed, in which pool, of which size class.
/// </summary>
public sealed class SituationTracker(ModelGeometry geometry)
{
    private readonly ulong _poolMask = ~((ulong)geometry.PoolSize - 1);
    private readonly Dictionary<ulong, int> _livePerPool = [];
    private readonly Dictionary<ulong, ulong> _classOfPool = [];     // pool -> block size it last served
    private readonly HashSet<ulong> _handedOut = [];                   // block addresses handed out while their arena lived
    private readonly Dictionary<ulong, long> _freedAt = [];            // block address -> free sequence number
    private readonly HashSet<ulong> _releasedArenas = [];
    private long _frees;
    private int _tableLength;

    public void Record(ModelState before, ModelState after, Operation op, ArenaObject[] table, CoverageTable coverage)
    {
        // Only the block the operation names can leave, and only an allocation or a realloc adds one (at the end of the
        // live list, or in the realloc'd block's place): no scan of every live block per step.
        LiveBlock? named = op switch
        {
            FreeOp f => before.ResolveBlock(f.Handle),
            ReallocOp r => before.ResolveBlock(r.Handle),
            _ => null,
        };
        LiveBlock? added = op switch
        {
            MallocOp or CallocOp when after.Blocks.Count > before.Blocks.Count => after.Blocks[^1],
            ReallocOp r => after.ResolveBlock(r.Handle),
            _ => null,
        };
        LiveBlock? gone = named is { Kind: BlockKind.Pymalloc } && after.BlockAt(named.Address) is null ? named : null;
        LiveBlock? fresh = added is { Kind: BlockKind.Pymalloc } && before.BlockAt(added.Address) is null ? added : null;

        // The model's states share an unchanged list (immutable): the set differences below, which allocate, run only
        // on the steps that changed one.
        if (!ReferenceEquals(after.ReleasedArenas, before.ReleasedArenas)) RecordReleased(before, after, coverage);
        if (!ReferenceEquals(after.Arenas, before.Arenas)) RecordOpened(before, after, coverage);

        if (gone is not null) Freed(gone, coverage);
        if (op is ReallocOp && named is not null) Realloc(named, added, coverage);
        if (fresh is not null) HandedOut(fresh, op, coverage);

        if (table.Length > _tableLength && _tableLength > 0) coverage.RecordSituation(AllocatorSituation.ArenaTableGrown);
        _tableLength = table.Length;
        if (HasNfp2lastaTie(table)) coverage.RecordSituation(AllocatorSituation.Nfp2lastaTie);
    }

    private void RecordReleased(ModelState before, ModelState after, CoverageTable coverage)
    {
        foreach (ReleasedArena released in after.ReleasedArenas.Except(before.ReleasedArenas))
        {
            coverage.RecordSituation(AllocatorSituation.ArenaReleased);
            _releasedArenas.Add(released.Base);
            _handedOut.RemoveWhere(a => a - released.Base < released.Size);
            foreach (ulong pool in _classOfPool.Keys.Where(p => p - released.Base < released.Size).ToList()) _classOfPool.Remove(pool);
        }
    }

    private void RecordOpened(ModelState before, ModelState after, CoverageTable coverage)
    {
        foreach (LiveArena opened in after.Arenas.Where(a => !before.Arenas.Any(b => b.Base == a.Base)))
        {
            coverage.RecordSituation(AllocatorSituation.ArenaOpened);
            if (_releasedArenas.Contains(opened.Base)) coverage.RecordSituation(AllocatorSituation.ArenaReopenedAtReleasedAddress);
        }
    }

    private void Freed(LiveBlock block, CoverageTable coverage)
    {
        ulong pool = block.Address & _poolMask;
        int live = _livePerPool.GetValueOrDefault(pool);
        if (live == Capacity(block.Capacity)) coverage.RecordSituation(AllocatorSituation.PoolFullToUsed);
        if (live == 1) coverage.RecordSituation(AllocatorSituation.PoolUsedToEmpty);
        _livePerPool[pool] = live - 1;
        _freedAt[block.Address] = ++_frees;
    }

    private void HandedOut(LiveBlock block, Operation op, CoverageTable coverage)
    {
        ulong pool = block.Address & _poolMask;
        int live = _livePerPool.GetValueOrDefault(pool);
        bool anotherClass = live == 0 && _classOfPool.TryGetValue(pool, out ulong served) && served != block.Capacity;
        if (live == 0) coverage.RecordSituation(AllocatorSituation.PoolEmptyToUsed);
        if (anotherClass) coverage.RecordSituation(AllocatorSituation.PoolReusedForAnotherClass);
        if (live + 1 == Capacity(block.Capacity)) coverage.RecordSituation(AllocatorSituation.PoolUsedToFull);
        _livePerPool[pool] = live + 1;
        _classOfPool[pool] = block.Capacity;

        bool carved = _handedOut.Add(block.Address);
        bool earlierFree = !carved && _freedAt.TryGetValue(block.Address, out long freedAt) && freedAt < _frees;
        (AllocatorSituation Earlier, AllocatorSituation Carve, AllocatorSituation Other)? kinds = op switch
        {
            MallocOp => (AllocatorSituation.MallocFromEarlierFree, AllocatorSituation.MallocFromFreshCarve, AllocatorSituation.MallocFromPoolOfAnotherClass),
            CallocOp => (AllocatorSituation.CallocFromEarlierFree, AllocatorSituation.CallocFromFreshCarve, AllocatorSituation.CallocFromPoolOfAnotherClass),
            ReallocOp => (AllocatorSituation.ReallocFromEarlierFree, AllocatorSituation.ReallocFromFreshCarve, AllocatorSituation.ReallocFromPoolOfAnotherClass),
            _ => null,
        };
        if (kinds is not { } k) return;
        if (carved) coverage.RecordSituation(k.Carve);
        if (earlierFree) coverage.RecordSituation(k.Earlier);
        if (anotherClass) coverage.RecordSituation(k.Other);
    }

    private static void Realloc(LiveBlock old, LiveBlock? now, CoverageTable coverage)
    {
        if (now is null) return;
        AllocatorSituation? situation = (old.Kind, now.Kind) switch
        {
            (BlockKind.System, _) => AllocatorSituation.ReallocOfSystemBlock,
            (BlockKind.Pymalloc, BlockKind.System) => AllocatorSituation.ReallocToSystem,
            _ when now.Address == old.Address => AllocatorSituation.ReallocInPlace,
            _ when now.Capacity > old.Capacity => AllocatorSituation.ReallocMovedToLargerClass,
            _ when now.Capacity < old.Capacity => AllocatorSituation.ReallocMovedToSmallerClass,
            _ => null,
        };
        if (situation is { } s) coverage.RecordSituation(s);
    }

    private int Capacity(ulong blockSize) => (int)((ulong)(geometry.PoolSize - geometry.PoolOverhead) / blockSize);

    private static bool HasNfp2lastaTie(ArenaObject[] table)
    {
        Span<bool> seen = stackalloc bool[256];
        foreach (ArenaObject arena in table)
        {
            if (arena.Address == 0 || arena.NFreePools == 0 || arena.NFreePools >= (uint)seen.Length) continue;
            if (seen[(int)arena.NFreePools]) return true;
            seen[(int)arena.NFreePools] = true;
        }
        return false;
    }
}
