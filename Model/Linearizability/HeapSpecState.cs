using System.Collections.Immutable;

namespace PymallocVerify.Model.Linearizability;

/// <summary>
/// The sequential state the history specification needs: live arenas (from memory-space events), pools
/// that have handed out a block since their arena became live (initialized pools), and live blocks with
/// their extents. Immutable with value equality, because the linearizability search memoises on it.
/// </summary>
public sealed class HeapSpecState : IEquatable<HeapSpecState>
{
    public static HeapSpecState Empty { get; } = new([], [], ImmutableSortedDictionary<ulong, SpecBlock>.Empty);

    private readonly int _hash;

    private HeapSpecState(ImmutableSortedSet<ulong> arenas, ImmutableSortedSet<ulong> pools, ImmutableSortedDictionary<ulong, SpecBlock> blocks)
    {
        Arenas = arenas;
        InitializedPools = pools;
        Blocks = blocks;
        // One hash per part, combined by position: an address cannot count as an arena in one state and a pool in another.
        var blockHash = new HashCode();
        foreach (var (address, block) in blocks) { blockHash.Add(address); blockHash.Add(block); }
        _hash = HashCode.Combine(HashOf(arenas), HashOf(pools), blockHash.ToHashCode());
    }

    private static int HashOf(ImmutableSortedSet<ulong> addresses)
    {
        var hash = new HashCode();
        foreach (ulong address in addresses) hash.Add(address);
        return hash.ToHashCode();
    }

    /// <summary>Base addresses of live arenas.</summary>
    public ImmutableSortedSet<ulong> Arenas { get; }

    /// <summary>Pool bases that handed out a block since their arena became live.</summary>
    public ImmutableSortedSet<ulong> InitializedPools { get; }

    /// <summary>Live blocks by base address.</summary>
    public ImmutableSortedDictionary<ulong, SpecBlock> Blocks { get; }

    internal HeapSpecState With(
        ImmutableSortedSet<ulong>? arenas = null,
        ImmutableSortedSet<ulong>? pools = null,
        ImmutableSortedDictionary<ulong, SpecBlock>? blocks = null) =>
        new(arenas ?? Arenas, pools ?? InitializedPools, blocks ?? Blocks);

    public bool Equals(HeapSpecState? other) =>
        other is not null && (ReferenceEquals(this, other) ||
            (_hash == other._hash
             && Arenas.SequenceEqual(other.Arenas)
             && InitializedPools.SequenceEqual(other.InitializedPools)
             && Blocks.Count == other.Blocks.Count
             && Blocks.Zip(other.Blocks).All(pair => pair.First.Key == pair.Second.Key && pair.First.Value == pair.Second.Value)));

    public override bool Equals(object? obj) => Equals(obj as HeapSpecState);

    public override int GetHashCode() => _hash;

    public override string ToString() =>
        $"{Arenas.Count} arenas, {InitializedPools.Count} initialized pools, {Blocks.Count} live blocks";
}

/// <summary>A live block: <c>[base, End)</c>, and who handed it out.</summary>
public readonly record struct SpecBlock(ulong End, BlockOrigin Origin);

public enum BlockOrigin
{
    /// <summary>Returned by the heap inside a live arena.</summary>
    Pool,
    /// <summary>Returned by the heap from the system allocator (large request or arena exhaustion).</summary>
    System,
    /// <summary>Obtained by the test directly from the system allocator.</summary>
    Foreign,
}
