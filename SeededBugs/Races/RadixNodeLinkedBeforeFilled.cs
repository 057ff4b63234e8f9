using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.SeededBugs.Races;

/// <summary>
/// A radix leaf chunk is linked into the tree before it is zeroed (C's malloc, link, then memset): until the clear lands
/// every leaf reads <c>tail_hi = −1</c>, so every span the chunk covers claims an arena.
/// </summary>
public sealed record RadixNodeLinkedBeforeFilled() : ConcurrencyBug("radix-node-linked-before-filled",
    "a radix leaf chunk linked into the tree before it is zeroed (tail_hi = -1 until the memset lands)",
    "radix-first-arena", OracleKind.RadixTree,
    "not linearizable: IsOwned(p) = true for a p in no live arena")
{
    public override void AfterRadixChunkLinked<T>(T[] chunk, IRaceWindow window)
    {
        if (chunk is not ArenaCoverage[] leaves) return;
        for (int i = 0; i < leaves.Length; i++) Volatile.Write(ref leaves[i].TailHi, -1);
        window.Interleave();
        for (int i = 0; i < leaves.Length; i++) Volatile.Write(ref leaves[i].TailHi, 0);
    }
}
