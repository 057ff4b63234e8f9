namespace PymallocVerify.Allocator.Simulated;

public sealed partial class SimulatedAddressSpace
{
    /// <summary>Where ordinary heap blocks start (like a brk heap).</summary>
    public const ulong HeapRegionBase = 0x0000_5555_0000_0000;

    /// <summary>Where mmap-like mappings (arenas, large blocks) start.</summary>
    public const ulong MmapRegionBase = 0x0000_7f00_0000_0000;

    /// <summary>How many released arenas keep their bytes (stale pool headers) for reuse as foreign blocks.</summary>
    public const int RetainedReleasedArenas = 4;

    private const int RecentlyFreedKept = 64;

    private readonly Dictionary<ulong, SimulatedAllocation> _live = [];
    private readonly List<SimulatedAllocation> _liveArenas = [];
    private readonly Queue<SimulatedAllocation> _releasedArenas = new();
    private readonly Queue<SimulatedAllocation> _recentlyFreed = new();
    private SplitMix64 _rng;
    private long _nextId = 1;
    private ulong _heapCursor = HeapRegionBase;
    private ulong _mmapCursor = MmapRegionBase;
    private PlacementRequest? _nextArena;
    private PlacementRequest? _nextSystemBlock;

    private readonly record struct PlacementRequest(ArenaPlacement? Arena, ForeignPlacement? Foreign, ulong? Address, ulong? Anchor);

    /// <summary>The next this-many AllocateArena calls fail (return 0): arena OOM on demand.</summary>
    public int FailArenaAllocations { get; set; }

    /// <summary>The next this-many SystemMalloc/Calloc/Realloc calls fail (return 0).</summary>
    public int FailSystemAllocations { get; set; }

    /// <summary>Live blocks and arenas, keyed by nothing in particular: inspect, do not rely on order.</summary>
    public IReadOnlyCollection<SimulatedAllocation> LiveAllocations => _live.Values;

    /// <summary>Live arenas in the order they were obtained.</summary>
    public IReadOnlyList<SimulatedAllocation> LiveArenas => _liveArenas;

    /// <summary>The most recently released arenas (oldest first), whose bytes are kept for reuse.</summary>
    public IReadOnlyCollection<SimulatedAllocation> ReleasedArenas => _releasedArenas;

    /// <summary>The last arena or block handed out (how it was placed is in its <see cref="SimulatedAllocation.Placement"/>).</summary>
    public SimulatedAllocation? LastAllocation { get; private set; }

    // ---- placement requests --------------------------------------------------------------------------------

    /// <summary>Places the next arena by <paramref name="placement"/>; <paramref name="anchor"/> names the arena to sit after.</summary>
    public void PlaceNextArena(ArenaPlacement placement, ulong? anchor = null) =>
        _nextArena = new PlacementRequest(placement, null, null, anchor);

    /// <summary>Places the next arena exactly at <paramref name="address"/> (which must be free).</summary>
    public void PlaceNextArenaAt(ulong address) =>
        _nextArena = new PlacementRequest(null, null, RequireNonZero(address), null);

    /// <summary>
    /// Places the next system block by <paramref name="placement"/>; <paramref name="anchor"/> names the arena to sit
    /// before/after, or the released arena to reuse.
    /// </summary>
    public void PlaceNextSystemBlock(ForeignPlacement placement, ulong? anchor = null) =>
        _nextSystemBlock = new PlacementRequest(null, placement, null, anchor);

    /// <summary>Places the next system block exactly at <paramref name="address"/> (which must be free).</summary>
    public void PlaceNextSystemBlockAt(ulong address) =>
        _nextSystemBlock = new PlacementRequest(null, null, RequireNonZero(address), null);

    public void ClearPlacementRequests() => (_nextArena, _nextSystemBlock) = (null, null);

    private static ulong RequireNonZero(ulong address) =>
        address != 0 ? address : throw new ArgumentException("address 0 means \"no block\"; it cannot be a placement", nameof(address));

    // ---- IMemorySpace's system allocator ------------------------------------------------------------------

    public ulong AllocateArena(ulong size)
    {
        if (size == 0 || size > MaxAllocationBytes) return 0;
        if (FailArenaAllocations > 0) { FailArenaAllocations--; return 0; }
        (ulong at, string how) = PlaceArena(size);
        return Acquire(AllocationKind.Arena, at, size, how, Page.Undefined).Base;
    }

    public void FreeArena(ulong address, ulong size)
    {
        if (!_live.TryGetValue(address, out SimulatedAllocation? a))
        {
            Report(MemcheckErrorKind.InvalidFree, MemoryAccess.FreeArena, address, size, address);
            return;
        }
        if (a.Kind != AllocationKind.Arena)
        {
            Report(MemcheckErrorKind.MismatchedFree, MemoryAccess.FreeArena, address, size, address);
            return;
        }
        if (a.Size != size)
        {
            Report(MemcheckErrorKind.InvalidFree, MemoryAccess.FreeArena, address, size, address);
            return;
        }
        Release(a);
    }

    public ulong SystemMalloc(ulong size) => AllocateSystemBlock(Math.Max(size, 1), Page.Undefined);

    public ulong SystemCalloc(ulong count, ulong size)
    {
        if (Math.BigMul(count, size, out ulong bytes) != 0) return 0; // the product overflows
        return AllocateSystemBlock(Math.Max(bytes, 1), Page.Defined);
    }

    public ulong SystemRealloc(ulong address, ulong size)
    {
        if (address == 0) return SystemMalloc(size);
        if (!_live.TryGetValue(address, out SimulatedAllocation? old) || old.Kind != AllocationKind.SystemBlock)
        {
            Report(old is null ? MemcheckErrorKind.InvalidFree : MemcheckErrorKind.MismatchedFree,
                MemoryAccess.SystemRealloc, address, size, address);
            return 0;
        }
        ulong fresh = AllocateSystemBlock(Math.Max(size, 1), Page.Undefined);
        if (fresh == 0) return 0; // the old block stays valid
        // Moves always (a legal realloc), so a stale pointer to the old block is caught.
        ulong keep = Math.Min(old.Size, Math.Max(size, 1));
        byte[] data = new byte[(int)Math.Min(keep, int.MaxValue)];
        byte[] shadow = new byte[data.Length];
        Gather(address, data, shadow);
        for (int i = 0; i < shadow.Length; i++)
            if (shadow[i] is Page.NoAccess or Page.Unmapped) shadow[i] = Page.Undefined;
        Scatter(fresh, data, shadow);
        Release(old);
        return fresh;
    }

    public void SystemFree(ulong address)
    {
        if (address == 0) return;
        if (!_live.TryGetValue(address, out SimulatedAllocation? a))
        {
            Report(MemcheckErrorKind.InvalidFree, MemoryAccess.SystemFree, address, 1, address);
            return;
        }
        if (a.Kind != AllocationKind.SystemBlock)
        {
            Report(MemcheckErrorKind.MismatchedFree, MemoryAccess.SystemFree, address, 1, address);
            return;
        }
        Release(a);
    }

    /// <summary>The live arena or block containing <paramref name="address"/>, if any.</summary>
    public SimulatedAllocation? FindLive(ulong address)
    {
        if (!IsMapped(address)) return null;
        foreach (SimulatedAllocation a in _live.Values)
            if (a.Contains(address)) return a;
        return null;
    }

    public SimulatedSpaceStats GetStats()
    {
        int mapped = 0, withData = 0;
        foreach (Page p in _pages.Values)
        {
            if (p.Mapped) mapped++;
            if (p.Data is not null) withData++;
        }
        ulong bytes = 0;
        foreach (SimulatedAllocation a in _live.Values) bytes += a.Size;
        return new SimulatedSpaceStats(_reads, _writes, _arenaIndexReads, _errorCount, _suppressedReadCount,
            _liveArenas.Count, _live.Count - _liveArenas.Count, bytes, mapped, _pages.Count, withData);
    }

    private ulong AllocateSystemBlock(ulong size, byte code)
    {
        if (size > MaxAllocationBytes) return 0;
        if (FailSystemAllocations > 0) { FailSystemAllocations--; return 0; }
        (ulong at, string how) = PlaceSystemBlock(size);
        return Acquire(AllocationKind.SystemBlock, at, size, how, code).Base;
    }

    // ---- mapping -------------------------------------------------------------------------------------------

    private SimulatedAllocation Acquire(AllocationKind kind, ulong at, ulong size, string placement, byte code)
    {
        var a = new SimulatedAllocation(_nextId++, kind, at, size, placement, CurrentOperationIndex);
        ulong first = PageNumber(at), last = PageNumber(a.Last);
        for (ulong p = first; ; p++)
        {
            GetOrCreatePage(p).LiveAllocations++;
            if (p == last) break;
        }
        SetShadow(at, size, code);
        if (code == Page.Defined) ZeroData(at, size); // calloc: defined zeros, whatever the page held before
        _live.Add(at, a);
        if (kind == AllocationKind.Arena) _liveArenas.Add(a);
        LastAllocation = a;
        return a;
    }

    private void Release(SimulatedAllocation a)
    {
        SetShadow(a.Base, a.Size, Page.NoAccess);
        a.FreedAtOperation = CurrentOperationIndex;
        _live.Remove(a.Base);
        if (a.Kind == AllocationKind.Arena)
        {
            _liveArenas.Remove(a);
            _releasedArenas.Enqueue(a);
        }
        ulong first = PageNumber(a.Base), last = PageNumber(a.Last);
        for (ulong p = first; ; p++)
        {
            Page page = _pages[p];
            if (--page.LiveAllocations == 0 && !Retained(p)) RemovePage(p);
            if (p == last) break;
        }
        if (_releasedArenas.Count > RetainedReleasedArenas) Forget(_releasedArenas.Dequeue());
        _recentlyFreed.Enqueue(a);
        if (_recentlyFreed.Count > RecentlyFreedKept) _recentlyFreed.Dequeue();
    }

    /// <summary>A released arena leaves the retained set: its unmapped pages finally go.</summary>
    private void Forget(SimulatedAllocation released)
    {
        ulong first = PageNumber(released.Base), last = PageNumber(released.Last);
        for (ulong p = first; ; p++)
        {
            if (_pages.TryGetValue(p, out Page? page) && !page.Mapped && !Retained(p)) RemovePage(p);
            if (p == last) break;
        }
    }

    private bool Retained(ulong pageNumber)
    {
        foreach (SimulatedAllocation r in _releasedArenas)
            if (pageNumber >= PageNumber(r.Base) && pageNumber <= PageNumber(r.Last)) return true;
        return false;
    }

    private void ZeroData(ulong at, ulong size)
    {
        ulong done = 0;
        while (done < size)
        {
            ulong a = at + done;
            int offset = (int)(a & _offsetMask);
            int n = (int)Math.Min((ulong)(_pageSize - offset), size - done);
            FindPage(PageNumber(a))?.Data?.AsSpan(offset, n).Clear();
            done += (ulong)n;
        }
    }

    /// <summary>No live allocation overlaps <c>[at, at + size)</c>, which neither starts at 0 nor wraps.</summary>
    private bool IsFree(ulong at, ulong size)
    {
        if (at == 0 || size == 0 || at + (size - 1) < at) return false;
        ulong last = at + (size - 1);
        for (ulong p = PageNumber(at); ; p++)
        {
            if (FindPage(p) is { Mapped: true }) return !OverlapsLive(at, last);
            if (p == PageNumber(last)) return true; // nothing mapped in the range, so no live block in it
        }
    }

    private bool OverlapsLive(ulong at, ulong last)
    {
        foreach (SimulatedAllocation a in _live.Values)
            if (a.Base <= last && at <= a.Last) return true;
        return false;
    }
}
