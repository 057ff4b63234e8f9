namespace PymallocVerify.Allocator;

/// <summary>The two ways pymalloc answers "is this address mine?".</summary>
public enum OracleKind
{
    /// <summary>Classic <c>address_in_range</c>: read the arena index stored at the pool base (CPython ≤ 3.9).</summary>
    PoolIndex,

    /// <summary>CPython 3.10's arena map: a radix tree over address bits; reads no pool memory.</summary>
    RadixTree,
}
