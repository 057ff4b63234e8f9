using System.Runtime.InteropServices;

namespace PymallocVerify.Properties.Backend;

/// <summary>
/// Large native regions (slabs) the recording backend carves its raw blocks from, handed out again across cases. A
/// fresh block costs a page fault on the first touch of every page (about a quarter of a classic property run); a
/// slab a previous case touched is already mapped. A slab comes back only when its recorder is disposed, and the
/// recorder fills every block it carves with the garbage pattern (<see cref="MemoryRecorder"/>), so a block reads the
/// same whether its memory is new or reused. Only carved blocks are refilled: the gaps between them and a slab's unused
/// end keep what an earlier case left, and no block includes them. A slab's untouched pages cost nothing.
/// Process-wide and locked: property tests run cases in parallel.
/// </summary>
internal static unsafe class NativeSlabPool
{
    /// <summary>Room for ~240 classic or ~60 modern arenas, or one oversized system block.</summary>
    public const ulong SlabBytes = 64UL << 20;

    /// <summary>Slabs kept for reuse at most (their touched pages stay resident); more are freed.</summary>
    private const int IdleSlabLimit = 4;

    /// <summary>Every slab starts on this boundary, at least any pool size a geometry uses.</summary>
    public const ulong SlabAlignment = 1UL << 20;

    private static readonly Lock Gate = new();
    private static readonly Stack<nint> Idle = new();

    public static nint Rent()
    {
        lock (Gate)
        {
            if (Idle.TryPop(out nint slab)) return slab;
        }
        nint fresh = (nint)NativeMemory.AlignedAlloc((nuint)SlabBytes, (nuint)SlabAlignment);
        return fresh != 0 ? fresh : throw new OutOfMemoryException($"test backend could not map a slab of {SlabBytes} bytes");
    }

    /// <summary>Takes back a slab from <see cref="Rent"/>; nothing may use it afterwards.</summary>
    public static void Return(nint slab)
    {
        lock (Gate)
        {
            if (Idle.Count < IdleSlabLimit)
            {
                Idle.Push(slab);
                return;
            }
        }
        NativeMemory.AlignedFree((void*)slab);
    }
}
