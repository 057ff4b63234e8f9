using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator;

/// <summary>
/// The regions of real memory a test backend handed out or owns (arenas, system blocks, scratch), sorted and
/// disjoint. A backend checks every read and write against it, so a heap that writes out of bounds — a seeded bug,
/// a mutant — fails the test that drove it with <see cref="WildAccessException"/> naming the address and the
/// nearest region, instead of scribbling on the system allocator's memory and killing the test host.
/// </summary>
public sealed class MemoryFence
{
    private readonly List<(ulong Start, ulong End)> _regions = [];

    // The region that answered last: a checked run makes one test per heap read and write, and nearly all of them
    // land in the arena or pool of the one before, so this answers without the binary search. (0, 0) holds nothing.
    private ulong _lastStart, _lastEnd;

    public int Count => _regions.Count;

    public void Add(ulong start, ulong length)
    {
        if (length == 0) return;
        var region = (start, start + length);
        int at = _regions.BinarySearch(region);
        _regions.Insert(at < 0 ? ~at : at, region);
    }

    /// <summary>Forgets the region starting at <paramref name="start"/> (if any).</summary>
    public void Remove(ulong start)
    {
        int at = IndexOf(start);
        if (at >= 0 && _regions[at].Start == start) _regions.RemoveAt(at);
        (_lastStart, _lastEnd) = (0, 0);
    }

    public void Clear()
    {
        _regions.Clear();
        (_lastStart, _lastEnd) = (0, 0);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool Contains(ulong address, ulong length) =>
        address - _lastStart < _lastEnd - _lastStart // the regions are disjoint: the one that holds address decides
            ? length <= _lastEnd - address
            : ContainsSearched(address, length);

    private bool ContainsSearched(ulong address, ulong length)
    {
        int at = IndexOf(address);
        if (at < 0) return false;
        (_lastStart, _lastEnd) = _regions[at];
        return length <= _lastEnd - address;
    }

    /// <summary>Throws <see cref="WildAccessException"/> unless [address, address + length) lies in one region.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Check(string what, ulong address, ulong length)
    {
        if (length != 0 && !Contains(address, length)) Refuse(what, address, length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refuse(string what, ulong address, ulong length) => throw new WildAccessException(what, address, length, Nearest(address));

    /// <summary>The region holding <paramref name="address"/>, or -1.</summary>
    private int IndexOf(ulong address)
    {
        int lo = 0, hi = _regions.Count - 1;
        while (lo <= hi)
        {
            // Stryker disable once Bitwise : lo + hi is at least 0 and below 2^31, so >> shifts in zeros exactly as >>> does
            int mid = (lo + hi) >>> 1;
            var (start, end) = _regions[mid];
            if (address < start) hi = mid - 1;
            else if (address >= end) lo = mid + 1;
            else return mid;
        }
        return -1;
    }

    private string Nearest(ulong address)
    {
        (ulong Start, ulong End)? best = null;
        ulong distance = ulong.MaxValue;
        foreach (var r in _regions)
        {
            // Stryker disable once Equality : at address == r.Start both arms give 0, as the address lies in the region (regions are non-empty)
            ulong d = address < r.Start ? r.Start - address : address >= r.End ? address - r.End + 1 : 0;
            if (d < distance) (best, distance) = (r, d);
        }
        return best is { } b ? $" (nearest: [0x{b.Start:x}, 0x{b.End:x}), {distance} byte(s) away)" : "";
    }
}
