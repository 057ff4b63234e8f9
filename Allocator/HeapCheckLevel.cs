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
    /// Over a backend with an <see cref="IPoolWriteLog"/> the walk of a pool's blocks and free list is skipped where
    /// the pool is unchanged since the last audit passed over it; every other rule is checked in full.
    /// </summary>
    Full,
}
