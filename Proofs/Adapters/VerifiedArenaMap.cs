using System.Globalization;
using RadixProof = RadixOwnership.__default;

namespace PymallocVerify.Proofs;

/// <summary>
/// The arena map of Radix.dfy, compiled: leaves per ARENA_SIZE-aligned span in the port's encoding, written by the
/// proved <c>Mark</c>/<c>Unmark</c> and read by the proved <c>IsUsed</c>. It refuses any step outside the proof's
/// <c>LiveAfter</c> (a base of 0, an arena past 2^64, a mark overlapping a live arena, an unmark of one not live), so
/// every answer it gives is one the coverage lemma speaks for.
/// </summary>
public sealed class VerifiedArenaMap
{
    private readonly ulong _arenaSize;
    private readonly HashSet<ulong> _live = [];
    private Dafny.IMap<ulong, RadixOwnership._ILeaf> _leaves = Dafny.Map<ulong, RadixOwnership._ILeaf>.Empty;

    public VerifiedArenaMap(ulong arenaSize)
    {
        if (!RadixProof.SizeOk(arenaSize))
            throw new ArgumentOutOfRangeException(nameof(arenaSize), arenaSize, "the proof covers 0 < ARENA_SIZE <= 2^31");
        _arenaSize = arenaSize;
    }

    public IReadOnlyCollection<ulong> LiveArenas => _live;

    public void Mark(ulong arenaBase)
    {
        Require(RadixProof.Fits(arenaBase, _arenaSize), $"mark 0x{arenaBase:x}: a base of 0 or an arena past 2^64");
        Require(!_live.Contains(arenaBase), $"mark 0x{arenaBase:x}: already live");
        foreach (ulong other in _live) // unsigned distances: an arena may end at 2^64, where base + size wraps to 0
            Require(arenaBase - other >= _arenaSize && other - arenaBase >= _arenaSize,
                $"mark 0x{arenaBase:x}: overlaps live arena 0x{other:x}");
        _leaves = RadixProof.Mark(_leaves, arenaBase, _arenaSize);
        _live.Add(arenaBase);
    }

    public void Unmark(ulong arenaBase)
    {
        Require(_live.Remove(arenaBase), $"unmark 0x{arenaBase:x}: not a live arena");
        _leaves = RadixProof.Unmark(_leaves, arenaBase, _arenaSize);
    }

    public bool IsUsed(ulong address) => RadixProof.IsUsed(_leaves, address, _arenaSize);

    /// <summary>The leaf of <paramref name="address"/>'s span: (tail_hi, tail_lo), zero where nothing was written.</summary>
    public (int TailHi, int TailLo) LeafOf(ulong address)
    {
        RadixOwnership._ILeaf leaf = RadixProof.LeafAt(_leaves, address / _arenaSize);
        return (leaf.dtor_tailHi, leaf.dtor_tailLo);
    }

    private static void Require(bool ok, string what)
    {
        if (!ok)
            throw new VerifiedDisagreementException(string.Create(CultureInfo.InvariantCulture,
                $"the heap made a radix step outside the proved model (Radix.dfy LiveAfter): {what}"));
    }
}
