using System.Runtime.InteropServices;

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
    private Dictionary<ulong, ListedPool>? _listedPools; // pool on a usedpools list -> its header's list words
    private Dictionary<ulong, ListedPool>? _listedPoolsAtAudit; // the same, as the last audit that passed found it
    private ulong[] _usedPoolHeadsAtAudit = []; // usedpools as that audit found it
    private readonly ulong[] _relisted = new ulong[MaxRelisted]; // pools listed now xor then (RelistedSinceAudit)
    private int _relistedCount;
    private bool[] _emptyPoolMarks = [];  // per pool of the arena being checked: on its freepools list
    private bool[] _freeBlockMarks = [];  // per block of the pool being checked: on its free list
    private bool[] _changedPoolMarks = []; // per pool of the arena being checked: the write log lists it
    // With a backend's write log (IPoolWriteLog) the audit after a mutation skips what cannot have changed since the
    // last audit that passed (L). CheckArena reads its slot's fields, the bytes of the arena's carved pools and two
    // memberships of each pool: on the arena's free pools, on a usedpools list. A pool L found carved in the same arena
    // (same slot, same address), which the log does not list, is unchanged where it was checked; when arenas come or
    // go the log lists nothing (every pool may have changed). A heap may also move an arena between slots or change
    // how many pools are carved by its fields alone, unseen by the log: hence "L found carved in the same arena". So:
    // - a pool the log does not list, which L found carved here, on the same lists as L found it, would pass its own
    //   rules again: skipped;
    // - if moreover the arena's fields are those L found, the usedpools lists hold the very pools L found, and no
    //   listed pool was a free one (the free pools' chain runs through their headers), the free pools are
    //   the same chain: the arena's own rules hold too, and only the listed pools' own rules run
    //   (RecheckChangedPoolsOnly) — a mutation writes one to three pools of up to 64 in an arena.
    // Per pool (arena slot × pool index) the memberships the last walk found; per slot, the last audit that reached the
    // arena (set before its rules run, so a failed audit vouches for nothing there) and what it found.
    private const byte OnFreePools = 1, OnUsedPools = 2;
    private byte[] _poolListsAtAudit = [];
    private ArenaAuditStamp[] _arenaStamps = [];
    // The table rules ((a) to (c)) read nothing but the arena table's slots, its two list heads, the count of live
    // arenas and nfp2lasta: where all of them are what the last passed audit with a write log copied here, those rules
    // hold again and are skipped. The copy is compared whole (every field of every slot), so any change runs them.
    private ArenaObject[] _tableAtAudit = [];
    private int[] _nfp2lastaAtAudit = [];
    private (int Unused, int Usable, int Live) _tableHeadsAtAudit;

    /// <summary>What the last audit with a write log that reached one slot's arena found there.</summary>
    private struct ArenaAuditStamp
    {
        public int Covered;     // that audit's number
        public int ListedPools; // how many of its pools were on usedpools lists
        public ArenaObject Fields;
    }

    private int _audits, _lastPassedAudit; // 0: none yet

    /// <summary>
    /// Throws <see cref="HeapInvariantException"/> naming the first violated invariant. O(heap size). Like every
    /// mutation, callers serialize it (it reuses scratch arrays held by the heap): never run two at once.
    /// </summary>
    public void CheckInvariants() => CheckInvariants(log: null);

    /// <summary>
    /// The audit after a mutation (<see cref="HeapCheckLevel.Full"/>): <see cref="CheckInvariants()"/>, with a pool's
    /// own rules (its header against its slot and lists, its blocks and free list) skipped where the backend's
    /// <see cref="IPoolWriteLog"/> says the pool is unchanged since the last audit passed and it is on the same lists,
    /// and an arena's own rules, the arena table's rules and the usedpools walk skipped where nothing they read changed.
    /// The oracle's rules are checked in full.
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
            if (_poolListsAtAudit.Length != stamps) // the table only grows
            {
                Array.Resize(ref _poolListsAtAudit, (int)stamps);
                Array.Resize(ref _arenaStamps, slots);
            }
        }
        // Stryker disable once Equality : skipping where the table equals a passed audit's copy is right with or without a log, and not skipping is speed only
        bool sameTable = log is not null && TableAsAtAudit();
        if (!sameTable) CheckArenaTable(slots);
        ReadOnlySpan<ulong> changed = default;
        bool changesListed = log is not null && log.TryListChanged(out changed);
        bool sameLists = changesListed && UsedPoolListsAsAtAudit(changed);
        // Stryker disable once Conditional : walking the lists that were found the same finds what that audit found; speed only
        var onLists = sameLists ? _listedPoolsAtAudit! : CheckUsedPoolLists();
        _relistedCount = 0; // each audit notes afresh: none when the lists are as that audit found them, else RelistedSinceAudit's
        bool relistingsKnown = sameLists || (log is not null && RelistedSinceAudit(onLists));
        var skips = log is null ? default : new AuditSkips(
            Logged: true,
            ChangesListed: changesListed,
            SameListedPools: relistingsKnown && _relistedCount == 0,
            RelistingsListed: relistingsKnown);
        int usedPoolsSeen = 0;
        for (int i = 0; i < slots; i++)
        {
            if (_arenas[i].Address == 0) continue;
            usedPoolsSeen += CheckArena(i, onLists, skips, changed);
        }
        if (usedPoolsSeen != onLists.Count)
            Fail("used-pool-in-arena", $"{onLists.Count} pools are on usedpools lists but only {usedPoolsSeen} used pools lie in live arenas");
        _oracle.CheckInvariants(_arenas, (ulong)Geometry.ArenaSize);
        if (log is null) return;
        _lastPassedAudit = _audits; // every arena it reached is stamped with it
        // Stryker disable once Boolean,Statement : a table found the same equals its copy already, so copying again is speed only, and never copying only turns the shortcut off
        if (!sameTable) CopyTableAtAudit();
        if (!sameLists) KeepUsedPoolListsAtAudit(onLists);
        log.Reset();
    }

    private static void Fail(string invariant, string detail) => throw new HeapInvariantException(invariant, detail);

    /// <summary>(a), (b), (c): the arena table's lists and nfp2lasta.</summary>
    private void CheckArenaTable(int slots)
    {
        if (_slotMarks.Length != slots) _slotMarks = new byte[slots]; // the table only grows
        else Array.Clear(_slotMarks, 0, slots);
        CheckUnusedList(slots);
        CheckUsableArenas(slots);
        CheckNfp2lasta();
    }

    /// <summary>The table, its heads, the live count and nfp2lasta are those the last passed audit copied (before one
    /// passed, the copy is empty and the table never is).</summary>
    private bool TableAsAtAudit() =>
        _tableHeadsAtAudit == (_unusedArenaObjects, _usableArenas, _arenasCurrent)
        && MemoryMarshal.AsBytes(_arenas.AsSpan()).SequenceEqual(MemoryMarshal.AsBytes(_tableAtAudit.AsSpan()))
        && _nfp2lasta.AsSpan().SequenceEqual(_nfp2lastaAtAudit);

    private void CopyTableAtAudit()
    {
        if (_tableAtAudit.Length != _arenas.Length) _tableAtAudit = new ArenaObject[_arenas.Length];
        if (_nfp2lastaAtAudit.Length != _nfp2lasta.Length) _nfp2lastaAtAudit = new int[_nfp2lasta.Length];
        // Stryker disable once Statement : without the copy the table never equals it (no live table is all zeros), so the shortcut is never taken; speed only
        _arenas.AsSpan().CopyTo(_tableAtAudit);
        // Stryker disable once Statement : without the copy nfp2lasta never equals it (its unused entries are -1), so the shortcut is never taken; speed only
        _nfp2lasta.AsSpan().CopyTo(_nfp2lastaAtAudit);
        _tableHeadsAtAudit = (_unusedArenaObjects, _usableArenas, _arenasCurrent);
    }

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
            // nfp2lasta's check indexes by the count: one no arena can have must be named here, not overrun there
            if (a.NFreePools >= (uint)_nfp2lasta.Length)
                Fail("usable-arenas", $"slot {i} is usable with {a.NFreePools} free pools, more than an arena's {_nfp2lasta.Length - 1}");
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

    /// <summary>A pool on a usedpools list as the list walk found it: the words of its header the walk reads.</summary>
    private readonly record struct ListedPool(uint SizeClass, ulong NextPool, ulong PrevPool);

    // The list walk below reads usedpools and, of each pool it meets, szidx, nextpool and prevpool. Where usedpools is
    // what the last passed audit found, and every pool the log lists that was on a list then has those three words as
    // they were (the pools it does not list are unchanged), the walk would meet the same pools and read the same words:
    // it would pass again and find the same pools, so its result is taken from that audit instead of walked.

    /// <summary>The usedpools lists are, word for word, those the last passed audit walked (see above).</summary>
    private bool UsedPoolListsAsAtAudit(ReadOnlySpan<ulong> changedPools)
    {
        var atAudit = _listedPoolsAtAudit;
        // Stryker disable once Equality : "not null" returns false always, which only walks the lists (before an audit passed the heads copy is empty, so they are walked either way); speed only
        if (atAudit is null || !_usedPools.AsSpan().SequenceEqual(_usedPoolHeadsAtAudit)) return false;
        foreach (ulong pool in changedPools)
            // Stryker disable once Logical : "or" walks the lists for a logged pool that was not listed too; speed only
            if (atAudit.TryGetValue(pool, out ListedPool was) && ListedPoolAt(pool) != was) return false;
        // Stryker disable once Boolean : false walks the lists; speed only
        return true;
    }

    private ListedPool ListedPoolAt(ulong pool) => new(
        PoolHeader.Get(ref _memory, pool, PoolHeader.SizeClass),
        PoolHeader.GetLink(ref _memory, pool, PoolHeader.NextPool),
        PoolHeader.GetLink(ref _memory, pool, PoolHeader.PrevPool));

    /// <summary>After a passed audit: what its list walk found becomes what the next audit compares with.</summary>
    private void KeepUsedPoolListsAtAudit(Dictionary<ulong, ListedPool> walked)
    {
        (_listedPoolsAtAudit, _listedPools) = (walked, _listedPoolsAtAudit); // the next walk fills the other
        if (_usedPoolHeadsAtAudit.Length != _usedPools.Length) _usedPoolHeadsAtAudit = new ulong[_usedPools.Length];
        _usedPools.AsSpan().CopyTo(_usedPoolHeadsAtAudit);
    }

    /// <summary>(d),(4) each usedpools list is a consistent circle of pools of its class that have a free block.</summary>
    private Dictionary<ulong, ListedPool> CheckUsedPoolLists()
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
                ListedPool found = ListedPoolAt(pool);
                if (!member.TryAdd(pool, found)) Fail("used-pool-list", $"pool 0x{pool:x} is on usedpools[{c}] twice or on two lists");
                if (found.SizeClass != c) Fail("used-pool-class", $"pool 0x{pool:x} on usedpools[{c}] has szidx {found.SizeClass}");
                ulong next = found.NextPool;
                // Its back link is read next: a null link is named here instead of read through (on real memory, a
                // read of address 0x18 would end the process). Any other address is read as a pool, fake ones too.
                if (next == 0) Fail("used-pool-list", $"usedpools[{c}]: 0x{pool:x}.nextpool is null");
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

    /// <summary>What an audit may skip: nothing without a write log (<c>default</c>).</summary>
    /// <param name="Logged">a write log vouches for the pools it does not list</param>
    /// <param name="ChangesListed">the log lists the changed pools (false: every pool may have changed)</param>
    /// <param name="SameListedPools">the usedpools lists hold what the last passed audit found</param>
    /// <param name="RelistingsListed">the pools listed now and not then, or then and not now, are in <c>_relisted</c></param>
    private readonly record struct AuditSkips(bool Logged, bool ChangesListed, bool SameListedPools, bool RelistingsListed);

    /// <summary>Up to this many pools may have joined or left the usedpools lists for an arena to keep its shortcut; a
    /// malloc or free moves one or two.</summary>
    private const int MaxRelisted = 8;

    /// <summary>
    /// Lists in <c>_relisted</c> the pools on the usedpools lists now and not when the last audit passed, or then and
    /// not now; false (none listed) before an audit passed or past <see cref="MaxRelisted"/>. Only the pools count: a
    /// pool's rules read whether it is listed, not on which list (the list walk checks that).
    /// </summary>
    private bool RelistedSinceAudit(Dictionary<ulong, ListedPool> listed)
    {
        var atAudit = _listedPoolsAtAudit;
        // Stryker disable once Boolean : before an audit passed the log lists no pools (arenas came), so no shortcut is taken and no membership is read from a byte, whatever this says
        if (atAudit is null) return false;
        if (!NoteEachMissing(listed, atAudit)) return false;
        // Equal counts and none joined: none left either.
        // Stryker disable once Statement,Boolean : without it the look for pools that left runs and finds none, and false sends the arenas to the whole walk; speed only
        if (_relistedCount == 0 && atAudit.Count == listed.Count) return true;
        return NoteEachMissing(atAudit, listed);
    }

    /// <summary>Notes in <c>_relisted</c> each pool of <paramref name="from"/> that <paramref name="other"/> lacks; false
    /// past <see cref="MaxRelisted"/>.</summary>
    private bool NoteEachMissing(Dictionary<ulong, ListedPool> from, Dictionary<ulong, ListedPool> other)
    {
        foreach (ulong pool in from.Keys)
        {
            // Stryker disable once Statement : noting a pool on both as well only checks it again (its membership is the same, so is its count) or, past the limit, sends the arenas to the whole walk; speed only
            if (other.ContainsKey(pool)) continue;
            if (_relistedCount == MaxRelisted) return false;
            _relisted[_relistedCount++] = pool;
        }
        return true;
    }

    /// <summary>(1),(2),(3) for one live arena; returns how many used (listed) pools it holds.</summary>
    private int CheckArena(int index, Dictionary<ulong, ListedPool> onLists, AuditSkips skips, ReadOnlySpan<ulong> changedPools)
    {
        ref readonly ArenaObject a = ref _arenas[index];
        ulong first = FirstPoolOf(a.Address);
        // vouched: the last passed audit covered the arena, so what the log does not list is as that audit found it
        bool vouched = skips.Logged && CoverArena(index);
        if (vouched && skips.ChangesListed && skips.RelistingsListed && SameArenaFields(_arenaStamps[index].Fields, a)
            && RecheckChangedPoolsOnly(index, first, ref _arenaStamps[index], changedPools, onLists))
            return _arenaStamps[index].ListedPools;
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

        bool[] changed = MarkChangedPools(first, carved, skips, changedPools);
        // The memberships the vouching audit recorded hold for the pools it found carved in this very arena: the bytes
        // are kept per slot, and a slot's arena may have moved, or its carved pools shrunk and grown again, since.
        ulong vouchedPools = vouched && _arenaStamps[index].Fields.Address == a.Address ? CarvedPoolsOf(_arenaStamps[index].Fields) : 0;
        int used = 0;
        for (ulong k = 0; k < carved; k++)
        {
            ulong pool = first + k * _poolSize;
            bool empty = emptyPools[k];
            bool listed;
            if (skips.Logged)
            {
                long stamp = index * (long)_maxPoolsInArena + (long)k;
                ref byte lists = ref _poolListsAtAudit[stamp];
                bool unchanged = k < vouchedPools && skips.ChangesListed && !changed[k];
                // Stryker disable once Conditional,Logical : where the byte is read it says what the lists say (the pool vouched for and unchanged, the lists holding the same pools); asking the lists is speed only
                listed = unchanged && skips.SameListedPools ? (lists & OnUsedPools) != 0 : onLists.ContainsKey(pool);
                byte now = (byte)((empty ? OnFreePools : 0) | (listed ? OnUsedPools : 0));
                bool same = unchanged && lists == now;
                lists = now;
                if (same)
                {
                    if (listed) used++;
                    continue;
                }
            }
            else listed = onLists.ContainsKey(pool);
            CheckPool(index, pool, empty, listed);
            if (listed) used++;
        }
        if (skips.Logged)
        {
            ref ArenaAuditStamp arena = ref _arenaStamps[index];
            (arena.ListedPools, arena.Fields) = (used, a);
        }
        return used;
    }

    /// <summary>
    /// Stamps the slot's arena as covered by this audit, before any of its rules runs (if one fails, this audit vouches
    /// for nothing there), and returns whether the last passed audit covered it. (Before any audit passed, no arena is
    /// vouched for in effect: until the log's first reset it lists no pools, since arenas came.)
    /// </summary>
    private bool CoverArena(int index)
    {
        ref int covered = ref _arenaStamps[index].Covered;
        bool vouched = covered == _lastPassedAudit;
        covered = _audits;
        return vouched;
    }

    /// <summary>
    /// The shortcut for an arena the last passed audit covered, whose fields are the same since: if no pool the log lists,
    /// and none that joined or left the usedpools lists, was on the arena's free pools then, the free pools are the same
    /// chain (its links are in their unchanged headers), so the arena's own rules hold as they did, and so does every
    /// other pool's membership; only those pools' own rules can change, and they run here, with the memberships recorded
    /// and the arena's count of listed pools brought up to date. False (nothing checked) when one of them was a free pool.
    /// </summary>
    private bool RecheckChangedPoolsOnly(int index, ulong first, ref ArenaAuditStamp arena, ReadOnlySpan<ulong> changedPools,
        Dictionary<ulong, ListedPool> onLists)
    {
        ulong carved = CarvedPoolsOf(arena.Fields);
        long stamps = index * (long)_maxPoolsInArena;
        ReadOnlySpan<ulong> relisted = _relisted.AsSpan(0, _relistedCount);
        if (WasAFreePool(changedPools) || WasAFreePool(relisted)) return false;
        foreach (ulong pool in changedPools)
            if (PoolIndexIn(first, carved, pool) is { } k)
                CheckPool(index, pool, empty: false, listed: onLists.ContainsKey(pool));
        int used = arena.ListedPools;
        foreach (ulong pool in relisted)
        {
            if (PoolIndexIn(first, carved, pool) is not { } k) continue;
            ref byte lists = ref _poolListsAtAudit[stamps + (long)k];
            bool listed = onLists.ContainsKey(pool);
            // A pool written as well (a malloc that fills it, a free into it when full) was checked above, as listed now.
            if (!changedPools.Contains(pool)) CheckPool(index, pool, empty: false, listed);
            used += (listed ? 1 : 0) - ((lists & OnUsedPools) != 0 ? 1 : 0);
            lists = listed ? OnUsedPools : (byte)0;
        }
        arena.ListedPools = used;
        return true;

        bool WasAFreePool(ReadOnlySpan<ulong> pools)
        {
            foreach (ulong pool in pools)
                if (PoolIndexIn(first, carved, pool) is { } k && (_poolListsAtAudit[stamps + (long)k] & OnFreePools) != 0) return true;
            return false;
        }
    }

    /// <summary>The index of <paramref name="pool"/> among the <paramref name="carved"/> pools from <paramref name="first"/>;
    /// null past them, below the arena or off a pool boundary: not this arena's. (A usedpools list may hold any address;
    /// one inside a pool must not be counted as that pool, or a fake pool would balance the count of listed pools.)</summary>
    private ulong? PoolIndexIn(ulong first, ulong carved, ulong pool)
    {
        ulong k = (pool - first) / _poolSize;
        return k < carved && (pool & ~_poolMask) == 0 ? k : null;
    }

    /// <summary>(1),(3) a carved pool's own rules, given whether it is on its arena's free pools and on a usedpools list.</summary>
    private void CheckPool(int index, ulong pool, bool empty, bool listed)
    {
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
        // freepools walk followed into a cycle.
        if (full && listed)
            Fail("used-pool-list", $"full pool 0x{pool:x} is on a usedpools list");
    }

    /// <summary>
    /// The fields <see cref="CheckArena"/> reads; not the list links, which only the usable_arenas checks read. nfreepools
    /// counts although those checks read it too: they tie it to the list's order and to nfp2lasta, never to the pools
    /// really free, so a count changed with nfp2lasta to match passes them and only the arena's own rule sees it.
    /// </summary>
    private static bool SameArenaFields(in ArenaObject before, in ArenaObject now) =>
        before.Address == now.Address && before.PoolAddress == now.PoolAddress && before.NTotalPools == now.NTotalPools
        && before.FreePools == now.FreePools && before.NFreePools == now.NFreePools;

    /// <summary>A mark per carved pool of the arena whose first pool is <paramref name="first"/>: the log lists it as changed.</summary>
    private bool[] MarkChangedPools(ulong first, ulong carved, AuditSkips skips, ReadOnlySpan<ulong> changedPools)
    {
        if (_changedPoolMarks.Length != (int)_maxPoolsInArena) _changedPoolMarks = new bool[_maxPoolsInArena];
        bool[] marks = _changedPoolMarks;
        if (!skips.ChangesListed) return marks; // not read: every pool counts as changed
        // Stryker disable once Statement : a mark left from another arena only sends an unchanged pool to its own rules again; speed only
        Array.Clear(marks, 0, (int)carved);
        foreach (ulong pool in changedPools)
            if (PoolIndexIn(first, carved, pool) is { } k) marks[k] = true;
        return marks;
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
