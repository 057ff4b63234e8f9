using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Hooks;

/// <summary>Carving a pool writes the wrong arena index (its slot + 1).</summary>
public struct ArenaIndexOffByOneHooks : IHeapHooks
{
    public void Interleave(SharedAccess access) { }
    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }
    public void AfterRadixChunkLinked<T>(T[] chunk) { }
    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) { }

    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace =>
        memory.WriteUInt32(pool + PoolHeader.ArenaIndex, memory.ReadUInt32(pool + PoolHeader.ArenaIndex) + 1);
}
