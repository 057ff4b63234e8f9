namespace PymallocVerify.Allocator;

// CheckInvariants: walks every arena, pool and free list and names the first broken rule
// (CPython's own asserts and comments, and the rules derived from them), then the oracle's own rules.
public sealed partial class PymallocHeap<TMemory, TOracle, THooks>
{
    // Scratch for the walk, reused by every call: the property runs and the explorer check after every step, so a
    // fresh set per list made this walk an allocation hot spot. Only this file touches them.
    private const byte OnUnusedList = 1, OnUsableList = 2;
    private byte[] _slotMarks = [];       // per arena slot: which list it was met on
    private int[] _rightmost = [];        // per nfreepools value: the rightmost usable arena
    private Dictionary<ulong, uint>? _listedPools; // pool on a usedpools list -> its class
    private bool[] _emptyPoolMarks = [];  // per pool of the arena being checked: on its freepools list
    private bool[] _freeBlockMarks = [];  // per block of the pool being checked: on its free list
    // With a backend's write log (IPoolWriteLog): per pool (arena slot × pool index), the number of the last audit
    // that checked it, and which of its arena's free pools and the usedpools lists it was on then. A pool's own rules
    // (CheckArena's loop body, CheckPoolBlocks) read its bytes, its slot and those two memberships, nothing else: a
    // pool stamped by the last audit that passed, which the log says is unchanged and whose memberships are the same,
    // would pass them again, so the audit skips them. A slot that gets another arena is no hazard: the log reports
    // every pool changed when arenas come or go.
    private const byte OnFreePools = 1, OnUsedPools = 2;
    private int[] _poolPassedAudit = [];
    private byte[] _poolListsAtAudit = [];
    private int _audits, _lastPassedAudit; // 0: none yet

    /// <summary>
    /// Throws <see cref="HeapInvariantException"/> naming the first violated invariant. O(heap size). Like every
    /// mutation, callers serialize it (it reuses scratch arrays held by the heap): never run two at once.
    /// </summary>
    public void CheckInvariants() => CheckInvariants(log: null);

    /// <summary>
    /// The audit after a mutation (<see cref="HeapCheckLevel.Full"/>): <see cref="CheckInvariants()"/>, with a pool's
    /// own rules (its header against its slot and lists, its blocks and free list) skipped where the backend's
    /// <see cref="IPoolWriteLog"/> says the pool is unchanged since the last audit passed over it and it is on the same
    /// lists. The arena table, the lists and the oracle's rules are checked in full.
    /// </summary>
    private void Audit() => CheckInvariants(_memory.PoolWriteLog);

    private void CheckInvariants(IPoolWriteLog? log)
    {
        int slots = _arenas.Length;
        if (log is not null)
        {
            // Stryker disable once Update : counting down numbers the audits as distinctly as counting up (0 stays "never")
            _audits++;
            long stamps = (long)slots * _maxPoolsInArena;
            if (_poolPassedAudit.Length != stamps) // the table only grows
            {
                Array.Resize(ref _poolPassedAudit, (int)stamps);
                Array.Resize(ref _poolListsAtAudit, (int)stamps);
            }
        }
        if (_slotMarks.Length != slots) _slotMarks = new byte[slots]; // the table only grows
        else Array.Clear(_slotMarks, 0, slots);
        CheckUnusedList(slots);
        CheckUsableArenas(slots);
        CheckNfp2lasta();
        var usedPoolClass = CheckUsedPoolLists();
        int usedPoolsSeen = 0;
        for (int i = 0; i < slots; i++)
        {
            if (_arenas[i].Address == 0) continue;
            usedPoolsSeen += CheckArena(i, usedPoolClass, log);
        }
        if (usedPoolsSeen != usedPoolClass.Count)
            Fail("used-pool-in-arena", $"{usedPoolClass.Count} pools are on usedpools lists but only {usedPoolsSeen} used pools lie in live arenas");
        _oracle.CheckInvariants(_arenas, (ulong)Geometry.ArenaSize);
        if (log is null) return;
        _lastPassedAudit = _audits; // every pool it walked or skipped is stamped with it
        log.Reset();
    }

    private static void Fail(string invariant, string detail) => throw new HeapInvariantException(invariant, detail);

    /// <summary>(a) a slot is on unused_arena_objects ⇔ its address is 0.</summary>
    private void CheckUnusedList(int slots)
    {
        int seen = 0;
        for (int i = _unusedArenaObjects; i != None; i = _arenas[i].NextArena)
        {
            if (i < 0 || i >= slots) Fail("unused-list", $"link to slot {i} outside the table of {slots}");
            if ((_slotMarks[i] & OnUnusedList) != 0) Fail("unused-list", $"cycle through slot {i}");
            // Stryker disable once Assignment : the bit is clear here (a set one failed the cycle check above), so ^= sets it as |= does
            _slotMarks[i] |= OnUnusedList;
            seen++;
            if (_arenas[i].Address != 0) Fail("unused-list", $"slot {i} is on the unused list but has address 0x{_arenas[i].Address:x}");
        }
        for (int i = 0; i < slots; i++)
            if (_arenas[i].Address == 0 && (_slotMarks[i] & OnUnusedList) == 0)
                Fail("unused-list", $"slot {i} has address 0 but is not on the unused list");
        int live = slots - seen;
        if (live != _arenasCurrent) Fail("arena-count", $"{live} live slots but {_arenasCurrent} arenas counted as allocated");
    }

    /// <summary>(b) usable_arenas holds exactly the live arenas with free pools, in ascending nfreepools, doubly linked.</summary>
    private void CheckUsableArenas(int slots)
    {
        int prev = None;
        for (int i = _usableArenas; i != None; prev = i, i = _arenas[i].NextArena)
        {
            if (i < 0 || i >= slots) Fail("usable-arenas", $"link to slot {i} outside the table of {slots}");
            if ((_slotMarks[i] & OnUsableList) != 0) Fail("usable-arenas", $"cycle through slot {i}");
            // Stryker disable once Assignment : the bit is clear here (a set one failed the cycle check above), so ^= sets it as |= does
            _slotMarks[i] |= OnUsableList;
            ref readonly ArenaObject a = ref _arenas[i];
            if (a.Address == 0) Fail("usable-arenas", $"slot {i} is usable but has no arena");
            if (a.PrevArena != prev) Fail("usable-arenas", $"slot {i}.prevarena is {a.PrevArena}, expected {prev}");
            if (a.NFreePools == 0) Fail("usable-arenas", $"slot {i} is usable with no free pool");
            if (prev != None && _arenas[prev].NFreePools > a.NFreePools)
                Fail("usable-arenas-order", $"slot {prev} ({_arenas[prev].NFreePools} free pools) precedes slot {i} ({a.NFreePools})");
        }
        for (int i = 0; i < slots; i++)
            if (_arenas[i].Address != 0 && _arenas[i].NFreePools > 0 && (_slotMarks[i] & OnUsableList) == 0)
                Fail("usable-arenas", $"slot {i} has {_arenas[i].NFreePools} free pools but is not in usable_arenas");
    }

    /// <summary>(c) nfp2lasta[k] is the rightmost usable arena with k free pools, None ⇔ there is none.</summary>
    private void CheckNfp2lasta()
    {
        if (_rightmost.Length != _nfp2lasta.Length) _rightmost = new int[_nfp2lasta.Length];
        int[] rightmost = _rightmost;
        rightmost.AsSpan().Fill(None);
        for (int i = _usableArenas; i != None; i = _arenas[i].NextArena)
            rightmost[_arenas[i].NFreePools] = i;
        for (int k = 0; k < rightmost.Length; k++)
            if (_nfp2lasta[k] != rightmost[k])
                Fail("nfp2lasta", $"nfp2lasta[{k}] = {_nfp2lasta[k]}, but the rightmost usable arena with {k} free pools is {rightmost[k]}");
    }

    /// <summary>(d),(4) each usedpools list is a consistent circle of pools of its class that have a free block.</summary>
    private Dictionary<ulong, uint> CheckUsedPoolLists()
    {
        // Stryker disable once Assignment : a fresh dictionary instead of the kept one is only an allocation: it is cleared below either way
        var member = _listedPools ??= [];
        member.Clear();
        for (uint c = 0; c < (uint)_usedPools.Length; c++)
        {
            ulong head = _usedPools[c];
            if (head == 0) continue;
            ulong pool = head;
            do
            {
                if (!member.TryAdd(pool, c)) Fail("used-pool-list", $"pool 0x{pool:x} is on usedpools[{c}] twice or on two lists");
                if (PoolHeader.Get(ref _memory, pool, PoolHeader.SizeClass) != c)
                    Fail("used-pool-class", $"pool 0x{pool:x} on usedpools[{c}] has szidx {PoolHeader.Get(ref _memory, pool, PoolHeader.SizeClass)}");
                ulong next = PoolHeader.GetLink(ref _memory, pool, PoolHeader.NextPool);
                if (PoolHeader.GetLink(ref _memory, next, PoolHeader.PrevPool) != pool)
                    Fail("used-pool-list", $"usedpools[{c}]: 0x{next:x}.prevpool does not point back to 0x{pool:x}");
                if (member.Count > CountCarvedPoolBound())
                    Fail("used-pool-list", $"usedpools[{c}] does not close into a circle");
                pool = next;
            } while (pool != head);
        }
        return member;
    }

    private long CountCarvedPoolBound() => (long)_arenas.Length * _maxPoolsInArena;

    /// <summary>(1),(2),(3) for one live arena; returns how many used (listed) pools it holds.</summary>
    private int CheckArena(int index, Dictionary<ulong, uint> usedPoolClass, IPoolWriteLog? log)
    {
        ref readonly ArenaObject a = ref _arenas[index];
        ulong first = FirstPoolOf(a.Address);
        uint expectedTotal = _maxPoolsInArena - (first != a.Address ? 1u : 0u);
        if (a.NTotalPools != expectedTotal)
            Fail("arena-ntotalpools", $"slot {index}: ntotalpools {a.NTotalPools}, expected {expectedTotal}");
        ulong carved = CarvedPoolsOf(a);
        if ((a.PoolAddress & ~_poolMask) != 0 || carved > a.NTotalPools)
            Fail("arena-pool-address", $"slot {index}: pool_address 0x{a.PoolAddress:x} is not one of the {a.NTotalPools + 1} pool boundaries from 0x{first:x}");

        // carved <= ntotalpools <= maxpools (checked above): a mark per carved pool, by its index from the first
        if (_emptyPoolMarks.Length != (int)_maxPoolsInArena) _emptyPoolMarks = new bool[_maxPoolsInArena];
        bool[] emptyPools = _emptyPoolMarks;
        Array.Clear(emptyPools, 0, (int)carved);
        int emptyCount = 0;
        for (ulong p = a.FreePools; p != 0; p = PoolHeader.GetLink(ref _memory, p, PoolHeader.NextPool))
        {
            if ((p & ~_poolMask) != 0 || (p - first) / _poolSize >= carved)
                Fail("arena-freepools", $"slot {index}: free pool 0x{p:x} is not a carved pool of this arena");
            ref bool listed = ref emptyPools[(p - first) / _poolSize];
            if (listed) Fail("arena-freepools", $"slot {index}: cycle through free pool 0x{p:x}");
            listed = true;
            emptyCount++;
        }
        ulong neverCarved = a.NTotalPools - carved;
        uint expectedFree = (uint)emptyCount + (uint)neverCarved;
        if (a.NFreePools != expectedFree)
            Fail("arena-nfreepools", $"slot {index}: nfreepools {a.NFreePools}, but {emptyCount} empty + {neverCarved} never-carved pools");

        int used = 0;
        for (ulong k = 0; k < carved; k++)
        {
            ulong pool = first + k * _poolSize;
            bool empty = emptyPools[k];
            bool listed = usedPoolClass.ContainsKey(pool);
            if (log is not null)
            {
                long stamp = index * (long)_maxPoolsInArena + (long)k;
                ref int passed = ref _poolPassedAudit[stamp];
                ref byte lists = ref _poolListsAtAudit[stamp];
                byte now = (byte)((empty ? OnFreePools : 0) | (listed ? OnUsedPools : 0));
                bool same = passed != 0 && passed == _lastPassedAudit && lists == now && !log.MayHaveChanged(pool);
                (passed, lists) = (_audits, now);
                if (same)
                {
                    if (listed) used++;
                    continue;
                }
            }
            uint arenaIndex = PoolHeader.Get(ref _memory, pool, PoolHeader.ArenaIndex);
            if (arenaIndex != (uint)index)
                Fail("pool-arena-index", $"pool 0x{pool:x} in slot {index}'s arena records arena index {arenaIndex}");
            uint count = PoolHeader.Get(ref _memory, pool, PoolHeader.Count);
            if (empty != (count == 0))
                Fail("pool-empty", $"pool 0x{pool:x}: count {count} but {(empty ? "" : "not ")}on its arena's free pools");
            uint sizeClass = PoolHeader.Get(ref _memory, pool, PoolHeader.SizeClass);
            if (sizeClass >= (uint)_usedPools.Length)
                Fail("pool-size-class", $"pool 0x{pool:x} has szidx {sizeClass}");
            CheckPoolBlocks(pool, sizeClass, count);
            bool full = PoolHeader.GetLink(ref _memory, pool, PoolHeader.FreeBlock) == 0;
            if (count > 0 && !full && !listed)
                Fail("used-pool-list", $"used pool 0x{pool:x} (count {count}) is not on usedpools[{sizeClass}]");
            // An empty pool cannot be listed here: a usedpools circle through it is also its nextpool chain, which the
            // freepools walk above followed into a cycle.
            if (full && listed)
                Fail("used-pool-list", $"full pool 0x{pool:x} is on a usedpools list");
            if (listed) used++;
        }
        return used;
    }

    /// <summary>(3),(e) offsets and the free list of an initialised pool.</summary>
    private void CheckPoolBlocks(ulong pool, uint sizeClass, uint count)
    {
        uint size = (uint)BlockSizeOf(sizeClass);
        uint blocks = BlocksPerPool(sizeClass);
        uint maxNext = PoolHeader.Get(ref _memory, pool, PoolHeader.MaxNextOffset);
        uint next = PoolHeader.Get(ref _memory, pool, PoolHeader.NextOffset);
        if (maxNext != (uint)_poolSize - size)
            Fail("pool-maxnextoffset", $"pool 0x{pool:x}: maxnextoffset {maxNext}, expected {(uint)_poolSize - size}");
        if (next < _poolOverhead || (next - _poolOverhead) % size != 0 || (next - _poolOverhead) / size > blocks)
            Fail("pool-nextoffset", $"pool 0x{pool:x}: nextoffset {next} is not 48 + k·{size} with k ≤ {blocks}");
        uint carved = (next - _poolOverhead) / size;
        if (count > carved) Fail("pool-count", $"pool 0x{pool:x}: count {count} exceeds the {carved} blocks carved");
        if ((count == blocks) != (PoolHeader.GetLink(ref _memory, pool, PoolHeader.FreeBlock) == 0))
            Fail("pool-full", $"pool 0x{pool:x}: count {count} of {blocks} blocks, freeblock {(count == blocks ? "not " : "")}null");

        // a mark per carved block (carved <= blocks, checked above), by its index from the first
        if (_freeBlockMarks.Length == 0) _freeBlockMarks = new bool[BlocksPerPool(0)]; // class 0 has the most blocks
        bool[] seen = _freeBlockMarks;
        Array.Clear(seen, 0, (int)carved);
        int free = 0;
        for (ulong b = PoolHeader.GetLink(ref _memory, pool, PoolHeader.FreeBlock); b != 0; b = _memory.ReadUInt64(b))
        {
            ulong offset = b - pool;
            if (offset < _poolOverhead || offset >= next || (offset - _poolOverhead) % size != 0)
                Fail("free-list", $"pool 0x{pool:x}: free block 0x{b:x} (offset {offset}) is not a carved block boundary below nextoffset {next}");
            ref bool listed = ref seen[(offset - _poolOverhead) / size];
            if (listed) Fail("free-list", $"pool 0x{pool:x}: block 0x{b:x} is on the free list twice");
            listed = true;
            free++;
        }
        if (free + count != carved)
            Fail("free-list-length", $"pool 0x{pool:x}: {free} free + {count} in use != {carved} carved blocks");
    }
}
