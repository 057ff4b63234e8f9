namespace PymallocVerify.Concurrency.Bugs;

/// <summary>
/// The concurrency bugs the suite must catch. Each lives in test code only: it enters through the hook or
/// lock struct parameter (see <see cref="Harness.CoyoteHooks"/>, <see cref="Harness.CoyoteLock"/>) or the
/// simulated memory space, never in the production allocator.
/// </summary>
public enum SeededBug
{
    None,

    /// <summary>
    /// The table is grown "in place" (C's realloc): the old table a lock-free reader may still hold is
    /// reclaimed — simulated by poisoning every slot of it right after the new one is published.
    /// </summary>
    TableReclaimedWhileRead,

    /// <summary>The grown table is published before the live slots' bases are copied into it.</summary>
    TablePublishedBeforeFilled,

    /// <summary>An arena's memory goes back to the system while its slot still shows its base; cleared only afterwards.</summary>
    ArenaReturnedBeforeUnpublished,

    /// <summary><c>Free</c> runs without taking the mutation lock.</summary>
    MutationSkipsLock,

    /// <summary>A radix-tree node is linked into the tree before its entries are written.</summary>
    RadixNodeLinkedBeforeFilled,
}
