using PymallocVerify.Allocator;
using PymallocVerify.Properties.Backend;

namespace PymallocVerify.Properties.Teeth;

// Seeded bugs in the allocator itself, entering through IHeapHooks' After… hooks so the production code stays untouched.

/// <summary>Releasing an arena forgets to clear its slot: the table still names memory that went back to the system.</summary>
public struct StaleSlotAfterReleaseHooks : IHeapHooks
{
    public void Interleave(SharedAccess access) { }
    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }
    public void AfterRadixChunkLinked<T>(T[] chunk) { }
    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) => slot.Address = formerAddress;
    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace { }
}

/// <summary>Carving a pool forgets to write its arena index: the header keeps whatever the fresh arena held.</summary>
public struct ArenaIndexNotWrittenHooks : IHeapHooks
{
    private const uint FreshArenaWord = MemoryRecorder.ArenaFill * 0x01010101u;

    public void Interleave(SharedAccess access) { }
    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }
    public void AfterRadixChunkLinked<T>(T[] chunk) { }
    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) { }

    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace =>
        memory.WriteUInt32(pool + PoolHeader.ArenaIndex, FreshArenaWord);
}

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
