using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Races;

/// <summary>The grown arena table is published before the live slots' bases are copied into it.</summary>
public sealed record TablePublishedBeforeFilled() : ConcurrencyBug("table-published-before-filled",
    "the grown arena table published before its slots' bases are written",
    "grow-while-reading", OracleKind.PoolIndex,
    "not linearizable: an owned block reported foreign")
{
    public override void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published, IRaceWindow window)
    {
        // Published first, copied afterwards: the live slots read 0 until the copy lands.
        var bases = new ulong[previous.Length];
        for (int i = 0; i < previous.Length; i++)
        {
            bases[i] = published[i].Address;
            Volatile.Write(ref published[i].Address, 0UL);
        }
        window.Interleave();
        for (int i = 0; i < previous.Length; i++) Volatile.Write(ref published[i].Address, bases[i]);
    }
}
