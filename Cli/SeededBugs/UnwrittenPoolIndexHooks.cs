using PymallocVerify.Allocator;

namespace PymallocVerify.Cli.SeededBugs;

/// <summary>
/// Seeded bug <see cref="CliSeededBugs.PoolIndexNotWritten"/>: right after a pool is carved, its header's arena
/// index is overwritten with garbage, as if the allocator had never written it.
/// </summary>
public struct UnwrittenPoolIndexHooks : IHeapHooks
{
    public void Interleave(SharedAccess access) { }

    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) { }

    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }

    public void AfterRadixChunkLinked<T>(T[] chunk) { }

    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace =>
        memory.WriteUInt32(pool + PoolHeader.ArenaIndex, 0xDEAD_BEEF);
}
