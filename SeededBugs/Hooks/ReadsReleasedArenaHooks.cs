using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Hooks;

/// <summary>
/// The heap reads a released arena: after an arena goes back, carving the next pool peeks at its first word (e.g. a
/// stats walk that still visits it). On real memory the arena stays mapped, so only memcheck sees the read.
/// </summary>
public struct ReadsReleasedArenaHooks : IHeapHooks
{
    private ulong _released;

    public void Interleave(SharedAccess access) { }
    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }
    public void AfterRadixChunkLinked<T>(T[] chunk) { }
    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) => _released = formerAddress;

    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace
    {
        if (_released != 0) _ = memory.ReadUInt64(_released);
    }
}
