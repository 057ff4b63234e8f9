using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Hooks;

/// <summary>Releasing an arena forgets to clear its slot: the table still names memory that went back to the system.</summary>
public struct StaleSlotAfterReleaseHooks : IHeapHooks
{
    public void Interleave(SharedAccess access) { }
    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }
    public void AfterRadixChunkLinked<T>(T[] chunk) { }
    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) => slot.Address = formerAddress;
    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace { }
}
