using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.SeededBugs.Hooks;

/// <summary>
/// A new leaf chunk of the radix tree is cleared one leaf short (C's memset with an off-by-one length): its last leaf
/// keeps <c>tail_hi</c> = <see cref="int.MaxValue"/>. That tail lies past every offset of a span (ARENA_SIZE is at most
/// 2^30), so the leaf covers nothing and every ownership answer stays right; a later mark of that span overwrites
/// <c>tail_hi</c> as usual. Only the tree's leaf rules see it (<c>radix-tail-range</c>), which every
/// <c>CheckInvariants()</c> of a radix heap checks.
/// </summary>
public struct RadixLastLeafNotZeroedHooks : IHeapHooks
{
    public void Interleave(SharedAccess access) { }
    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }
    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) { }
    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace { }

    public void AfterRadixChunkLinked<T>(T[] chunk)
    {
        if (chunk is ArenaCoverage[] leaves) leaves[^1].TailHi = int.MaxValue;
    }
}
