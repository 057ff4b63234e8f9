using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Concurrency.Bugs;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// The heap's hook parameter under Coyote: every shared access of the publication protocol is a scheduling
/// point, and the After… hooks seed the publication bugs of <see cref="SeededBug"/> when the iteration asks.
/// </summary>
public readonly struct CoyoteHooks(IterationContext context) : IHeapHooks
{
    public void Interleave(SharedAccess access) => context.Interleave();

    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress)
    {
        if (context.Bug != SeededBug.ArenaReturnedBeforeUnpublished) return;
        // Undo the unpublish; the memory space clears the slot only after the arena is gone.
        Volatile.Write(ref slot.Address, formerAddress);
        context.UnpublishAfterRelease.Add(formerAddress);
    }

    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace { }

    public void AfterRadixChunkLinked<T>(T[] chunk)
    {
        if (context.Bug != SeededBug.RadixNodeLinkedBeforeFilled || chunk is not ArenaCoverage[] leaves) return;
        // C's malloc-then-memset with the link stored first: until the memset lands, a reader finds whatever the
        // allocator left there — here tail_hi = -1 in every leaf, so every span the chunk covers claims an arena.
        for (int i = 0; i < leaves.Length; i++) Volatile.Write(ref leaves[i].TailHi, -1);
        context.Interleave();
        for (int i = 0; i < leaves.Length; i++) Volatile.Write(ref leaves[i].TailHi, 0);
    }

    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published)
    {
        switch (context.Bug)
        {
            case SeededBug.TableReclaimedWhileRead:
                // realloc() moved the table and freed the old block, which is then reused: readers still
                // holding it now see zeroed slots.
                for (int i = 0; i < previous.Length; i++) Volatile.Write(ref previous[i].Address, 0UL);
                break;
            case SeededBug.TablePublishedBeforeFilled:
                // Published first, copied afterwards: the live slots read 0 until the copy lands.
                var bases = new ulong[previous.Length];
                for (int i = 0; i < previous.Length; i++)
                {
                    bases[i] = published[i].Address;
                    Volatile.Write(ref published[i].Address, 0UL);
                }
                context.Interleave();
                for (int i = 0; i < previous.Length; i++) Volatile.Write(ref published[i].Address, bases[i]);
                break;
        }
    }
}
