namespace PymallocVerify.Allocator.Simulated;

/// <summary>Address choice: the strategies of <see cref="ArenaPlacement"/> and <see cref="ForeignPlacement"/>.</summary>
public sealed partial class SimulatedAddressSpace
{
    private const int MaxTries = 64;

    private ulong PoolSize => Policy.PoolSize;
    private ulong ArenaSizeForPlacement => Policy.ArenaSize;

    /// <summary>Alignment unit of a fresh mmap-region slot: a multiple of both an arena and a page.</summary>
    private ulong Slot => Math.Max(ArenaSizeForPlacement, (ulong)_pageSize);

    /// <summary>Unmapped room left after each mmap-region mapping, so before/after placements have space.</summary>
    private ulong Gap => AlignUp(2 * ArenaSizeForPlacement, (ulong)_pageSize) + (ulong)_pageSize;

    private (ulong At, string How) PlaceArena(ulong size)
    {
        if (_nextArena is { } request)
        {
            _nextArena = null;
            if (request.Address is { } exact)
            {
                return IsFree(exact, size)
                    ? (exact, "at requested address")
                    : throw new InvalidOperationException($"requested arena address 0x{exact:x} (+{size}) overlaps a live block or wraps");
            }
            ArenaPlacement wanted = request.Arena!.Value;
            ulong at = TryPlaceArena(wanted, size, request.Anchor);
            return at != 0
                ? (at, $"{wanted} (requested)")
                : throw new InvalidOperationException($"cannot place the requested {wanted} arena of {size} bytes: " +
                                                      "no free spot (no anchor arena / released arena, or the range is taken)");
        }
        ArenaPlacement chosen = Policy.ArenaChoices[(int)_rng.Below((ulong)Policy.ArenaChoices.Count)];
        ulong placed = TryPlaceArena(chosen, size, null);
        if (placed != 0) return (placed, chosen.ToString());
        return (TryPlaceArena(ArenaPlacement.PageAligned, size, null), $"{ArenaPlacement.PageAligned} (fallback from {chosen})");
    }

    private (ulong At, string How) PlaceSystemBlock(ulong size)
    {
        if (_nextSystemBlock is { } request)
        {
            _nextSystemBlock = null;
            if (request.Address is { } exact)
            {
                return IsFree(exact, size)
                    ? (exact, "at requested address")
                    : throw new InvalidOperationException($"requested block address 0x{exact:x} (+{size}) overlaps a live block or wraps");
            }
            ForeignPlacement wanted = request.Foreign!.Value;
            ulong at = TryPlaceForeign(wanted, size, request.Anchor);
            return at != 0
                ? (at, $"{wanted} (requested)")
                : throw new InvalidOperationException($"cannot place the requested {wanted} system block of {size} bytes: " +
                                                      "no free spot (no anchor arena / released arena, or the range is taken)");
        }
        ForeignPlacement chosen = Policy.ForeignChoices[(int)_rng.Below((ulong)Policy.ForeignChoices.Count)];
        ulong placed = TryPlaceForeign(chosen, size, null);
        if (placed != 0) return (placed, chosen.ToString());
        return (TryPlaceForeign(ForeignPlacement.Heap, size, null), $"{ForeignPlacement.Heap} (fallback from {chosen})");
    }

    /// <summary>An address for an arena by <paramref name="placement"/>, or 0 when the strategy cannot be met.</summary>
    private ulong TryPlaceArena(ArenaPlacement placement, ulong size, ulong? anchor)
    {
        ulong page = (ulong)_pageSize, pool = PoolSize, arena = ArenaSizeForPlacement;
        switch (placement)
        {
            case ArenaPlacement.PageAligned:
                return AtMmapCursor(size, () =>
                    page < pool ? page * (1 + _rng.Below(pool / page - 1)) + pool * _rng.Below(Slot / pool)
                    : page < arena ? page * (1 + _rng.Below(arena / page - 1))
                    : 0);
            case ArenaPlacement.Unaligned:
                return AtMmapCursor(size, () =>
                    pool * _rng.Below(Slot / pool) + 16 * (1 + _rng.Below(Math.Max(pool / 16, 2) - 1)));
            case ArenaPlacement.PoolAligned:
                return AtMmapCursor(size, () =>
                {
                    for (int i = 0; i < MaxTries; i++)
                    {
                        ulong offset = pool * (1 + _rng.Below(Slot / pool - 1));
                        if (offset % arena != 0) return offset;
                    }
                    return pool;
                });
            case ArenaPlacement.ArenaAligned:
                return AtMmapCursor(size, () => 0);
            case ArenaPlacement.DirectlyAfterArena:
                return NextToArena(anchor, a => AlignUp(a.Last + 1, 16), size); // past 2^64 it wraps to 0, which IsFree refuses
            case ArenaPlacement.BelowArenaSize:
                return BelowOneArena(size);
            case ArenaPlacement.NearTop:
                return NearTop(size);
            case ArenaPlacement.ReleasedArenaAddress:
                return InReleased(anchor, size);
            default:
                throw new ArgumentOutOfRangeException(nameof(placement), placement, "unknown arena placement");
        }
    }

    /// <summary>An address for a system block by <paramref name="placement"/>, or 0 when the strategy cannot be met.</summary>
    private ulong TryPlaceForeign(ForeignPlacement placement, ulong size, ulong? anchor)
    {
        ulong rounded = AlignUp(size, 16);
        switch (placement)
        {
            case ForeignPlacement.Heap:
                return size >= Policy.MmapThreshold ? AtMmapCursor(size, () => 0, slot: (ulong)_pageSize) : AtHeapCursor(size);
            case ForeignPlacement.DirectlyBeforeArena:
                return NextToArena(anchor, a => a.Base - Math.Min(a.Base, rounded), size); // 0, which IsFree refuses, when the block does not fit below
            case ForeignPlacement.DirectlyAfterArena:
                return NextToArena(anchor, a => AlignUp(a.Last + 1, 16), size); // past 2^64 it wraps to 0, which IsFree refuses
            case ForeignPlacement.InReleasedArena:
                return InReleased(anchor, size);
            case ForeignPlacement.BelowArenaSize:
                return BelowOneArena(size);
            case ForeignPlacement.NearTop:
                return NearTop(size);
            case ForeignPlacement.OwnPagesAfterGap:
                for (int i = 0; i < 10 * MaxTries; i++)
                {
                    ulong boundary = AlignUp(_mmapCursor, Slot);
                    ulong at = boundary + (ulong)_pageSize;
                    _mmapCursor = boundary + Slot;
                    if (IsFree(boundary, (ulong)_pageSize + size))
                    {
                        _mmapCursor = AlignUp(at + size, (ulong)_pageSize) + Gap;
                        return at;
                    }
                }
                return 0;
            default:
                throw new ArgumentOutOfRangeException(nameof(placement), placement, "unknown foreign placement");
        }
    }

    /// <summary>A fresh slot in the mmap region at <paramref name="offset"/>() past a slot boundary; skips taken ranges.</summary>
    private ulong AtMmapCursor(ulong size, Func<ulong> offset, ulong slot = 0)
    {
        if (slot == 0) slot = Slot;
        for (int i = 0; i < 10 * MaxTries; i++)
        {
            ulong at = AlignUp(_mmapCursor, slot) + offset();
            if (IsFree(at, size))
            {
                _mmapCursor = AlignUp(at + size, (ulong)_pageSize) + Gap;
                return at;
            }
            _mmapCursor = AlignUp(_mmapCursor, slot) + Math.Max(slot, AlignUp(size, (ulong)_pageSize));
        }
        throw new InvalidOperationException("the simulated mmap region found no free slot (unexpected: it is 2^40 bytes wide)");
    }

    private ulong AtHeapCursor(ulong size)
    {
        for (int i = 0; i < 10 * MaxTries; i++)
        {
            ulong at = AlignUp(_heapCursor + Policy.RedzoneBytes, 16);
            _heapCursor = at + AlignUp(size, 16);
            if (IsFree(at, size)) return at;
        }
        throw new InvalidOperationException("the simulated heap region found no free spot");
    }

    /// <summary>Next to <paramref name="anchor"/> (an arena base) or to a seeded choice among live arenas.</summary>
    private ulong NextToArena(ulong? anchor, Func<SimulatedAllocation, ulong> where, ulong size)
    {
        if (anchor is { } a)
        {
            if (!_live.TryGetValue(a, out SimulatedAllocation? arena) || arena.Kind != AllocationKind.Arena)
                throw new ArgumentException($"anchor 0x{a:x} is not a live arena", nameof(anchor));
            ulong at = where(arena);
            return IsFree(at, size) ? at : 0;
        }
        int count = _liveArenas.Count;
        int start = (int)_rng.Below((ulong)count);
        for (int i = 0; i < count; i++)
        {
            ulong at = where(_liveArenas[(start + i) % count]);
            if (IsFree(at, size)) return at;
        }
        return 0;
    }

    private ulong InReleased(ulong? anchor, ulong size)
    {
        if (anchor is { } a) return IsFree(a, size) ? a : 0;
        foreach (SimulatedAllocation released in _releasedArenas.Reverse())
            if (IsFree(released.Base, size)) return released.Base;
        return 0;
    }

    private ulong BelowOneArena(ulong size)
    {
        ulong slots = ArenaSizeForPlacement / 16;
        for (int i = 0; i < MaxTries; i++)
        {
            ulong at = 16 * (1 + _rng.Below(slots - 1));
            if (IsFree(at, size)) return at;
        }
        return 0;
    }

    private ulong NearTop(ulong size)
    {
        for (int i = 0; i < MaxTries; i++)
        {
            ulong at = ((0UL - size) & ~15UL) - 16 * _rng.Below(4);
            if (IsFree(at, size)) return at;
        }
        return 0;
    }

    private static ulong AlignUp(ulong value, ulong alignment) => (value + alignment - 1) & ~(alignment - 1);
}
