using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Races;

/// <summary>
/// The arena table is grown "in place" (C's realloc): the old table a lock-free reader may still hold is reclaimed and
/// reused — simulated by zeroing every slot of it right after the new one is published.
/// </summary>
public sealed record TableReclaimedWhileRead() : ConcurrencyBug("table-reclaimed-while-read",
    "the arena table grown in place: the old table a reader still holds is reclaimed (every base reads 0)",
    "grow-while-reading", OracleKind.PoolIndex,
    "not linearizable: a block in an initialised pool of a live arena reported foreign")
{
    public override void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published, IRaceWindow window)
    {
        for (int i = 0; i < previous.Length; i++) Volatile.Write(ref previous[i].Address, 0UL);
    }
}
