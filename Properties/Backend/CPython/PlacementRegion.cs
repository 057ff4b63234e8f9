using System.Collections.Immutable;
using System.Runtime.InteropServices;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Backend.CPython;

/// <summary>
/// One contiguous region of real memory that a case's arenas and system blocks are placed in, by the placement policy of
/// the simulated space (<see cref="SimulatedLayout"/>: <see cref="ArenaPlacement"/>, <see cref="ForeignPlacement"/>) or,
/// without a layout, at the recording backend's arena head offsets. Placement depends only on the policy's seed and the
/// sequence of requests, so two regions fed the same requests place everything at the same offsets from their bases:
/// that is how the port and libpython are compared address for address.
/// <list type="bullet">
/// <item>Space is taken from a bump pointer. An ordinary arena's reservation holds two pools of slack, the arena (plus
/// its head offset) and room for one more arena and two pools after it; placements next to an arena use that slack and
/// room, and never leave the anchor's reservation.</item>
/// <item>Every byte a query can reach (an object, and three pools around it) is filled with <see cref="Fill"/> when first
/// used in the case, so a case reads the same bytes whatever earlier cases left in a reused region.</item>
/// <item>Returned arenas stay in the region (quarantined): queries inside them read real memory, and only the
/// <see cref="ArenaPlacement.ReleasedArenaAddress"/> and <see cref="ForeignPlacement.InReleasedArena"/> placements reuse them.</item>
/// <item>Placements real memory cannot give (<see cref="ArenaPlacement.BelowArenaSize"/>, <see cref="ArenaPlacement.NearTop"/>,
/// <see cref="ForeignPlacement.BelowArenaSize"/>, <see cref="ForeignPlacement.NearTop"/>, <see cref="ForeignPlacement.OwnPagesAfterGap"/>)
/// and placements without room fall back to the ordinary one; an arena that does not fit is refused (0).</item>
/// </list>
/// The region records system-boundary events like the recording backend (<see cref="MemoryRecorder"/>).
/// </summary>
public sealed unsafe class PlacementRegion : IDisposable
{
    public const byte Fill = MemoryRecorder.ArenaFill;

    /// <summary>Address space per region: untouched pages cost nothing.</summary>
    public const ulong RegionBytes = 256UL << 20;

    /// <summary>
    /// The span one bottom node of 3.10's arena map covers (2^(20 + 8) bytes, = <see cref="RegionBytes"/>). Node counts
    /// depend on where arenas are, not only on their offsets: twin regions at different offsets from such a boundary would
    /// put an arena under one bottom node in one and under the next in the other, and the statistics would differ. Aligned
    /// to it, twins are congruent: every arena's leaf sits in the same place of the same number of nodes.
    /// </summary>
    private const ulong RegionAlignment = 1UL << 28;
    private const ulong PageSize = 4096;

    /// <summary>How far around an object a query can reach: offsets of up to a pool from a pool boundary.</summary>
    private const int GuardPools = 3;

    /// <summary>Where successive ordinary blocks start in their pool-aligned spans (as in the recording backend).</summary>
    private static readonly ulong[] SpanOffsets = [0, 48, 16, 64];

    private readonly ulong _poolSize;
    private readonly ulong _arenaSize;
    private readonly ulong _guard;
    private readonly SimulatedLayout? _layout;
    private readonly int[] _headOffsets;
    private SplitMix64 _random;
    private ulong _next;
    private ulong _chunkNext, _chunkEnd;
    private int _arenasObtained;
    private int _spanCount;
    private bool _disposed;

    private readonly List<SystemEvent> _events = [];
    private readonly List<(ulong Start, ulong End)> _live = []; // live arenas and blocks, sorted by start, disjoint
    private readonly List<PlacedArena> _liveArenas = [];
    private readonly List<PlacedArena> _releasedArenas = [];
    private readonly Dictionary<ulong, ulong> _blocks = []; // system and foreign blocks -> bytes (at least 1)

    /// <summary>An arena and the reservation it was placed in (placements next to it stay inside).</summary>
    private readonly record struct PlacedArena(ulong Base, ulong SpaceStart, ulong SpaceEnd);

    public PlacementRegion(Geometry geometry, ImmutableArray<int> arenaHeadOffsets, SimulatedLayout? layout)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        _poolSize = (ulong)geometry.PoolSize;
        _arenaSize = (ulong)geometry.ArenaSize;
        _guard = GuardPools * _poolSize;
        _layout = layout;
        _random = new SplitMix64(layout?.Seed ?? 0);
        _headOffsets = arenaHeadOffsets.IsDefaultOrEmpty ? [0] : [.. arenaHeadOffsets];
        foreach (int offset in _headOffsets)
            if (offset < 0 || (ulong)offset >= _poolSize || offset % 16 != 0)
                throw new ArgumentException($"arena head offset {offset} must be a multiple of 16 in [0, {_poolSize})");
        Base = PlacementRegionPool.Rent();
        _next = Base;
    }

    public ulong Base { get; }

    public ulong End => Base + RegionBytes;

    public int LiveArenaCount => _liveArenas.Count;

    public IEnumerable<ulong> LiveArenas => _liveArenas.Select(a => a.Base);

    /// <summary>Whether [address, address + length) lies in this region (test-owned, mapped memory).</summary>
    public bool Contains(ulong address, ulong length) =>
        address >= Base && address < End && length <= End - address;

    /// <summary>The offset of an address from <see cref="Base"/>, for comparing two regions; null outside the region.</summary>
    public long? OffsetOf(ulong address) => address >= Base && address < End ? (long)(address - Base) : null;

    /// <summary>Events since the last call.</summary>
    public ImmutableArray<SystemEvent> TakeEvents()
    {
        var events = _events.ToImmutableArray();
        _events.Clear();
        return events;
    }

    public bool IsSystemBlock(ulong address) => _blocks.ContainsKey(address);

    /// <summary>Whether a pending event passed <paramref name="address"/> to the system free or realloc: the allocator
    /// decided the pointer is not its own.</summary>
    public bool PendingSystemReleaseOf(ulong address)
    {
        foreach (SystemEvent e in _events)
            if (e is SystemFreeCalled f && f.Address == address || e is SystemReallocCalled r && r.OldAddress == address) return true;
        return false;
    }

    // ---- the system boundary -------------------------------------------------------------------------------------

    /// <summary>An arena of <paramref name="size"/> bytes where the policy says, or 0 when the region has no room.</summary>
    public ulong AllocateArena(ulong size)
    {
        PlacedArena? placed = PlaceArena(size);
        if (placed is not { } arena) return 0;
        AddLive(arena.Base, size);
        _liveArenas.Add(arena);
        _events.Add(new ArenaObtained(arena.Base, size));
        return arena.Base;
    }

    public void FreeArena(ulong address)
    {
        int i = _liveArenas.FindIndex(a => a.Base == address);
        if (i < 0) throw new InvalidOperationException($"arena 0x{address:x} returned but not live");
        _releasedArenas.Add(_liveArenas[i]);
        _liveArenas.RemoveAt(i);
        RemoveLive(address);
        _events.Add(new ArenaReturned(address));
    }

    public ulong SystemMalloc(ulong size)
    {
        ulong block = PlaceBlock(size, fill: true);
        if (block != 0) _events.Add(new SystemMallocCalled(block, size));
        return block;
    }

    public ulong SystemCalloc(ulong count, ulong size)
    {
        if (count != 0 && size > ulong.MaxValue / count) return 0;
        ulong block = PlaceBlock(count * size, fill: false);
        if (block == 0) return 0;
        NativeMemory.Clear((void*)block, (nuint)Math.Max(count * size, 1));
        _events.Add(new SystemCallocCalled(block, count, size));
        return block;
    }

    /// <summary>Realloc of a system block; a pointer this region never handed out is refused (0) and recorded.</summary>
    public ulong SystemRealloc(ulong address, ulong size)
    {
        if (!_blocks.TryGetValue(address, out ulong old))
        {
            _events.Add(new SystemReallocCalled(address, 0, size));
            return 0;
        }
        ulong block = PlaceBlock(size, fill: true);
        if (block == 0) return 0;
        Buffer.MemoryCopy((void*)address, (void*)block, Math.Max(size, 1), Math.Min(old, Math.Max(size, 1)));
        ReleaseBlock(address);
        _events.Add(new SystemReallocCalled(address, block, size));
        return block;
    }

    public void SystemFree(ulong address)
    {
        bool known = _blocks.ContainsKey(address);
        if (known) ReleaseBlock(address);
        _events.Add(new SystemFreeCalled(address, known));
    }

    /// <summary>Memory the allocator never saw, placed like a system block; not an event.</summary>
    public ulong ForeignAlloc(ulong size) => PlaceBlock(size, fill: true);

    // ---- placement -----------------------------------------------------------------------------------------------

    private PlacedArena? PlaceArena(ulong size)
    {
        if (_layout is null)
        {
            ulong head = (ulong)_headOffsets[_arenasObtained++ % _headOffsets.Length];
            return Fresh(size, reservationStart => reservationStart + 2 * _poolSize + head);
        }
        ArenaPlacement chosen = _layout.Arenas.IsDefaultOrEmpty
            ? ArenaPlacement.PageAligned
            : _layout.Arenas[(int)_random.Below((ulong)_layout.Arenas.Length)];
        switch (chosen)
        {
            case ArenaPlacement.Unaligned:
                ulong steps = _poolSize / 16 - 1;
                ulong unaligned = 16 * (1 + _random.Below(steps));
                return Fresh(size, r => r + 2 * _poolSize + unaligned);
            case ArenaPlacement.PoolAligned:
                return Fresh(size, r => r + 2 * _poolSize + ((r + 2 * _poolSize) % _arenaSize == 0 ? _poolSize : 0));
            case ArenaPlacement.ArenaAligned:
                return Fresh(size, r => AlignUp(r + 2 * _poolSize, _arenaSize));
            case ArenaPlacement.DirectlyAfterArena when _liveArenas.Count > 0:
            {
                PlacedArena anchor = _liveArenas[(int)_random.Below((ulong)_liveArenas.Count)];
                ulong at = anchor.Base + _arenaSize;
                if (FitsIn(anchor, at, size)) return Reuse(at, size, anchor);
                break;
            }
            case ArenaPlacement.ReleasedArenaAddress when _releasedArenas.Count > 0:
            {
                PlacedArena anchor = _releasedArenas[(int)_random.Below((ulong)_releasedArenas.Count)];
                if (FitsIn(anchor, anchor.Base, size)) return Reuse(anchor.Base, size, anchor);
                break;
            }
        }
        // PageAligned, and the fallback of everything else: mmap's page alignment (off the pool boundary when a pool
        // is larger than a page, as for CPython 3.10+'s 16 KiB pools).
        ulong pagesPerPool = _poolSize / PageSize;
        ulong pages = pagesPerPool > 1 ? PageSize * (1 + _random.Below(pagesPerPool - 1)) : 0;
        return Fresh(size, r => r + 2 * _poolSize + pages);
    }

    /// <summary>A new reservation at the bump pointer: slack, the arena at <paramref name="baseIn"/>(start), room after it.</summary>
    private PlacedArena? Fresh(ulong size, Func<ulong, ulong> baseIn)
    {
        ulong start = AlignUp(_next, _poolSize);
        ulong at = baseIn(start);
        ulong end = AlignUp(at + size + size + 2 * _poolSize, _poolSize);
        if (end > End || end < start) return null;
        _next = end;
        // The room after the arena is filled only where a query can reach: next to the arena and at its end (the next
        // reservation's queries reach back that far). Whatever is placed in the room later fills itself and its guard.
        ulong filled = Math.Min(at + size + _guard, end);
        FillBytes(start, filled - start);
        if (end - _guard > filled) FillBytes(end - _guard, _guard);
        return new PlacedArena(at, start, end);
    }

    /// <summary>An arena inside another arena's reservation (next to it, or at a released arena's address).</summary>
    private PlacedArena Reuse(ulong at, ulong size, PlacedArena anchor)
    {
        FillFree(at, Math.Min(at + size + _guard, anchor.SpaceEnd));
        return anchor with { Base = at };
    }

    private bool FitsIn(PlacedArena anchor, ulong start, ulong size) =>
        start >= anchor.SpaceStart && size <= anchor.SpaceEnd - start && IsFree(start, start + size);

    private ulong PlaceBlock(ulong size, bool fill)
    {
        ulong bytes = Math.Max(size, 1);
        ForeignPlacement chosen = _layout is null || _layout.Foreign.IsDefaultOrEmpty
            ? ForeignPlacement.Heap
            : _layout.Foreign[(int)_random.Below((ulong)_layout.Foreign.Length)];
        ulong at = 0;
        ulong spaceEnd = 0;
        switch (chosen)
        {
            case ForeignPlacement.DirectlyBeforeArena when _liveArenas.Count > 0:
            {
                PlacedArena anchor = _liveArenas[(int)_random.Below((ulong)_liveArenas.Count)];
                ulong start = (anchor.Base - bytes) & ~15UL; // malloc alignment: it ends within 15 bytes of the arena
                if (anchor.Base >= bytes && FitsIn(anchor, start, anchor.Base - start)) (at, spaceEnd) = (start, anchor.SpaceEnd);
                break;
            }
            case ForeignPlacement.DirectlyAfterArena when _liveArenas.Count > 0:
            {
                PlacedArena anchor = _liveArenas[(int)_random.Below((ulong)_liveArenas.Count)];
                if (FitsIn(anchor, anchor.Base + _arenaSize, bytes)) (at, spaceEnd) = (anchor.Base + _arenaSize, anchor.SpaceEnd);
                break;
            }
            case ForeignPlacement.InReleasedArena when _releasedArenas.Count > 0:
            {
                PlacedArena anchor = _releasedArenas[(int)_random.Below((ulong)_releasedArenas.Count)];
                if (FitsIn(anchor, anchor.Base, bytes))
                {
                    (at, spaceEnd) = (anchor.Base, anchor.SpaceEnd);
                    fill = false; // the point: the block's bytes still hold the released arena's pool headers
                }
                break;
            }
        }
        if (at != 0)
        {
            if (fill) FillBytes(at, bytes);
            FillFree(at + bytes, Math.Min(at + bytes + _guard, spaceEnd));
        }
        else
        {
            at = CarveOrdinary(bytes);
            if (at == 0) return 0;
        }
        AddLive(at, bytes);
        _blocks[at] = bytes;
        return at;
    }

    /// <summary>A block in its own pool-aligned span of a filled chunk, so its pool base holds no other block.</summary>
    private ulong CarveOrdinary(ulong bytes)
    {
        ulong offset = Math.Min(SpanOffsets[_spanCount++ % SpanOffsets.Length], _poolSize / 2);
        ulong span = AlignUp(offset + bytes, _poolSize);
        if (span < bytes) return 0;
        if (_chunkEnd - _chunkNext < span)
        {
            ulong chunk = Math.Max(16 * _poolSize, span);
            ulong start = AlignUp(_next, _poolSize);
            if (start + chunk + _guard > End || start + chunk < start) return 0;
            _next = start + chunk + _guard; // a filled guard after the last span
            FillBytes(start, chunk + _guard);
            (_chunkNext, _chunkEnd) = (start, start + chunk);
        }
        ulong block = _chunkNext + offset;
        _chunkNext += span;
        return block;
    }

    private void ReleaseBlock(ulong address)
    {
        _blocks.Remove(address);
        RemoveLive(address);
    }

    // ---- bookkeeping ---------------------------------------------------------------------------------------------

    private bool IsFree(ulong start, ulong end)
    {
        if (start < Base || end > End || end <= start) return false;
        int i = FirstEndingAfter(start);
        return i == _live.Count || _live[i].Start >= end;
    }

    /// <summary>Index of the first live range whose end is above <paramref name="address"/>.</summary>
    private int FirstEndingAfter(ulong address)
    {
        int lo = 0, hi = _live.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_live[mid].End <= address) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    private void AddLive(ulong start, ulong length)
    {
        int i = FirstEndingAfter(start);
        _live.Insert(i, (start, start + length));
    }

    private void RemoveLive(ulong start)
    {
        int i = FirstEndingAfter(start);
        if (i == _live.Count || _live[i].Start != start) throw new InvalidOperationException($"0x{start:x} is not a live range");
        _live.RemoveAt(i);
    }

    /// <summary>Fills the bytes of [start, end) that no live object holds.</summary>
    private void FillFree(ulong start, ulong end)
    {
        ulong at = start;
        for (int i = FirstEndingAfter(start); at < end; i++)
        {
            ulong stop = i < _live.Count ? Math.Min(_live[i].Start, end) : end;
            if (stop > at) FillBytes(at, stop - at);
            if (i >= _live.Count) break;
            at = Math.Max(at, _live[i].End);
        }
    }

    private static void FillBytes(ulong start, ulong length) => NativeMemory.Fill((void*)start, (nuint)length, Fill);

    private static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        PlacementRegionPool.Return(Base);
    }

    /// <summary>Regions handed out again across cases: a reused region's pages are already mapped (no page fault per first touch).</summary>
    private static class PlacementRegionPool
    {
        private const int IdleLimit = 8;
        private static readonly Lock Gate = new();
        private static readonly Stack<ulong> Idle = new();

        /// <summary>
        /// The span one bottom node of 3.11's arena map covers (2^(20 + 14) bytes; 3.10's mid nodes, 2^38, are multiples).
        /// A region across such a boundary would need one node more than its twin, and the statistics of the two
        /// allocators would differ. So no region crosses one — nor does the arena after its end, where an unaligned arena
        /// at the very end writes its tail_lo.
        /// </summary>
        private const int BottomNodeSpanBits = 34;

        private const ulong LargestArena = 1UL << 20;

        public static ulong Rent()
        {
            lock (Gate)
            {
                if (Idle.TryPop(out ulong region)) return region;
            }
            var crossing = new List<ulong>();
            try
            {
                while (true)
                {
                    ulong fresh = (ulong)NativeMemory.AlignedAlloc((nuint)RegionBytes, (nuint)RegionAlignment);
                    if (fresh == 0) throw new OutOfMemoryException($"could not map a region of {RegionBytes} bytes");
                    if (fresh >> BottomNodeSpanBits == (fresh + RegionBytes + LargestArena - 1) >> BottomNodeSpanBits) return fresh;
                    crossing.Add(fresh); // kept until another is found, so the allocator does not hand it back
                }
            }
            finally
            {
                foreach (ulong region in crossing) NativeMemory.AlignedFree((void*)region);
            }
        }

        public static void Return(ulong region)
        {
            lock (Gate)
            {
                if (Idle.Count < IdleLimit)
                {
                    Idle.Push(region);
                    return;
                }
            }
            NativeMemory.AlignedFree((void*)region);
        }
    }
}
