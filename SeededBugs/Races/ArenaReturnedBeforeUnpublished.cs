using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Races;

/// <summary>An arena's memory goes back to the system while its slot still shows its base; the slot is cleared only afterwards.</summary>
public sealed record ArenaReturnedBeforeUnpublished() : ConcurrencyBug("arena-returned-before-unpublished",
    "an arena's memory returned before its slot is unpublished",
    "release-while-reading", OracleKind.PoolIndex,
    "not linearizable: IsOwned(p) = true invoked after p's arena was unmapped")
{
    /// <summary>Undoes the unpublish: the slot keeps the base until the memory is gone.</summary>
    public override void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) =>
        Volatile.Write(ref slot.Address, formerAddress);

    /// <summary>The window (memory gone, slot still published), then the late unpublish.</summary>
    public override void AfterArenaMemoryReturned(ulong address, IRaceWindow window)
    {
        window.Interleave();
        ArenaObject[] table = window.ArenaTable;
        for (int i = 0; i < table.Length; i++)
            if (Volatile.Read(ref table[i].Address) == address) Volatile.Write(ref table[i].Address, 0UL);
    }
}
