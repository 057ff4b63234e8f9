using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator;

/// <summary>
/// Test hooks, entering as a generic struct parameter so the production instance (<see cref="NoHooks"/>)
/// compiles to nothing. <see cref="Interleave"/> marks every shared read and write of the publication
/// protocol (a Coyote scheduling point in tests); the After… hooks let test code seed allocator bugs.
/// </summary>
public interface IHeapHooks
{
    /// <summary>A shared access is about to happen; a concurrency test may switch threads here.</summary>
    void Interleave(SharedAccess access);

    /// <summary>An arena's slot was just cleared (address 0), before its memory is returned.</summary>
    void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress);

    /// <summary>A pool was just carved from an arena and its header initialised.</summary>
    void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace;

    /// <summary>
    /// A grown arena table was just published; <paramref name="previous"/> is the table readers may still hold.
    /// Lets concurrency tests seed publication bugs (reclaiming the old table, filling the new one late).
    /// </summary>
    void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published);

    /// <summary>
    /// A chunk of a radix-tree node (child links or leaves) was just created and linked into the tree. Lets
    /// concurrency tests seed "a node linked before it is filled".
    /// </summary>
    void AfterRadixChunkLinked<T>(T[] chunk);
}

/// <summary>The shared memory locations of the lock-free ownership protocol, named at each scheduling point.</summary>
public enum SharedAccess
{
    /// <summary>Reader loads the arena-table reference (its length is maxarenas).</summary>
    ArenaTableRead,
    /// <summary>Writer publishes a grown arena table.</summary>
    ArenaTablePublish,
    /// <summary>Reader loads a slot's base address.</summary>
    ArenaSlotRead,
    /// <summary>Writer stores a new arena's base address in its slot (publish).</summary>
    ArenaSlotPublish,
    /// <summary>Writer stores 0 in a released arena's slot (unpublish).</summary>
    ArenaSlotClear,
    /// <summary>Reader loads the arena index at a pool base.</summary>
    ArenaIndexRead,
    /// <summary>Writer returns an arena's memory to the system.</summary>
    ArenaMemoryRelease,
    /// <summary>Reader loads a radix-tree node or leaf.</summary>
    RadixNodeRead,
    /// <summary>Writer links a radix-tree node or writes a leaf.</summary>
    RadixNodeWrite,
    /// <summary>A front-end mutation is about to start (after taking the lock).</summary>
    MutationBegin,
}

/// <summary>Production hooks: every call is empty and disappears after JIT specialisation.</summary>
public struct NoHooks : IHeapHooks
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Interleave(SharedAccess access) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void AfterRadixChunkLinked<T>(T[] chunk) { }
}
