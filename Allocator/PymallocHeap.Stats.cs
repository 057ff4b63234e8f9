namespace PymallocVerify.Allocator;

// Statistics: the walk of _PyObject_DebugMallocStats.
public sealed partial class PymallocHeap<TMemory, TOracle, THooks>
{
    public HeapStats GetStats()
    {
        int classes = _usedPools.Length;
        var pools = new long[classes];
        var blocks = new long[classes];
        var freeBlocks = new long[classes];
        long unusedPools = 0, alignmentLoss = 0;

        foreach (ref readonly ArenaObject arena in _arenas.AsSpan())
        {
            if (arena.Address == 0) continue;
            unusedPools += arena.NFreePools;
            ulong first = FirstPoolOf(arena.Address);
            if (first != arena.Address) alignmentLoss += (long)_poolSize;
            for (ulong k = 0, carved = CarvedPoolsOf(arena); k < carved; k++)
            {
                ulong pool = first + k * _poolSize;
                uint count = PoolHeader.Get(ref _memory, pool, PoolHeader.Count);
                if (count == 0) continue; // empty: counted among the unused pools
                uint sizeClass = PoolHeader.Get(ref _memory, pool, PoolHeader.SizeClass);
                pools[sizeClass]++;
                blocks[sizeClass] += count;
                freeBlocks[sizeClass] += BlocksPerPool(sizeClass) - count;
            }
        }

        var rows = new List<SizeClassStats>();
        long allocated = 0, available = 0, headers = 0, quantization = 0;
        for (int c = 0; c < classes; c++)
        {
            if (pools[c] == 0) continue;
            long size = (long)BlockSizeOf((uint)c);
            rows.Add(new SizeClassStats(c, (int)size, pools[c], blocks[c], freeBlocks[c]));
            allocated += blocks[c] * size;
            available += freeBlocks[c] * size;
            headers += pools[c] * _poolOverhead;
            quantization += pools[c] * (((long)_poolSize - _poolOverhead) % size);
        }
        return new HeapStats(Geometry, rows, _arenasAllocatedTotal, _arenasAllocatedTotal - _arenasCurrent,
            _arenasHighwater, _arenasCurrent, allocated, available, unusedPools, headers, quantization, alignmentLoss);
    }

    private ulong FirstPoolOf(ulong arenaAddress) => (arenaAddress + _poolSize - 1) & _poolMask;

    /// <summary>
    /// Pools carved so far. Counted by modular subtraction, because in an arena that ends exactly at 2^64 the
    /// next-pool address wraps to 0 once the last pool is carved (an address space may place an arena there).
    /// </summary>
    private ulong CarvedPoolsOf(in ArenaObject arena) => (arena.PoolAddress - FirstPoolOf(arena.Address)) / _poolSize;
}
