namespace PymallocVerify.Allocator;

/// <summary>
/// How much the heap checks itself, like mimalloc's debug levels. Each level includes the one before; production
/// runs <see cref="Off"/>, where the checks cost one predictable branch per operation.
/// </summary>
public enum HeapCheckLevel
{
    /// <summary>No self-checks: CPython's behaviour, misuse included.</summary>
    Off,

    /// <summary>
    /// Every pointer handed to <c>Free</c>/<c>Realloc</c> that the oracle claims must start a block its pool handed
    /// out and that is not on the pool's free list (else <see cref="HeapMisuseException"/>), and O(1) asserts where
    /// the arena bookkeeping is written — taking a slot, carving a pool, re-linking and releasing an arena (else
    /// <see cref="HeapInvariantException"/>). Cheap: the asserts sit on the cold paths.
    /// </summary>
    Pointers,

    /// <summary>
    /// Also runs the heap's and the oracle's invariants after every mutation; a broken one throws
    /// <see cref="HeapInvariantException"/> naming the operation that broke it. O(heap size) per operation: for tests.
    /// Over a backend with an <see cref="IPoolWriteLog"/> a rule is skipped where nothing it reads changed since the last
    /// audit passed (a pool's own rules, an arena's, the arena table's, the usedpools walk); the oracle's rules are
    /// checked in full.
    /// </summary>
    Full,
}
