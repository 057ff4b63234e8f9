using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Hooks;

/// <summary>Carving a pool forgets to write its arena index: the header keeps whatever the fresh arena held.</summary>
public struct ArenaIndexNotWrittenHooks : IHeapHooks
{
    /// <summary>What a fresh arena holds in the properties' recording backend (its fill byte, four times; TeethTests pins the two together).</summary>
    public const uint FreshArenaWord = 0xCBCB_CBCB;

    public void Interleave(SharedAccess access) { }
    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }
    public void AfterRadixChunkLinked<T>(T[] chunk) { }
    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) { }

    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace =>
        memory.WriteUInt32(pool + PoolHeader.ArenaIndex, FreshArenaWord);
}
