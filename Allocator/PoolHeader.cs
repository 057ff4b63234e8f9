using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator;

/// <summary>
/// Layout of CPython's 64-bit <c>struct pool_header</c> (48 bytes), which lives at the start of each pool
/// in pool memory, read and written through the memory backend.
/// Invariants for a carved pool: <c>ArenaIndex</c> is its arena's slot; count 0 ⇔ on its arena's free list;
/// used (0 &lt; count &lt; NUMBLOCKS) ⇒ in usedpools[SizeClass] and FreeBlock ≠ 0; full ⇒ FreeBlock = 0, no list.
/// </summary>
public static class PoolHeader
{
    /// <summary>Blocks handed out (uint inside a pointer-sized union).</summary>
    public const int Count = 0;
    /// <summary>Free-list head; each free block's first word links to the next, 0 = none.</summary>
    public const int FreeBlock = 8;
    public const int NextPool = 16;
    public const int PrevPool = 24;
    /// <summary>Index of the arena's slot in the arena table: the word the classic oracle reads.</summary>
    public const int ArenaIndex = 32;
    /// <summary>Size class; <see cref="FreshSizeClass"/> on a newly carved pool.</summary>
    public const int SizeClass = 36;
    /// <summary>Offset of the next never-used block.</summary>
    public const int NextOffset = 40;
    /// <summary>POOL_SIZE − block size: the last offset a block may start at.</summary>
    public const int MaxNextOffset = 44;

    public const uint FreshSizeClass = 0xffff;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static uint Get<TMemory>(ref TMemory memory, ulong pool, int field) where TMemory : struct, IMemorySpace =>
        memory.ReadUInt32(pool + (ulong)field);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Set<TMemory>(ref TMemory memory, ulong pool, int field, uint value) where TMemory : struct, IMemorySpace =>
        memory.WriteUInt32(pool + (ulong)field, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong GetLink<TMemory>(ref TMemory memory, ulong pool, int field) where TMemory : struct, IMemorySpace =>
        memory.ReadUInt64(pool + (ulong)field);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetLink<TMemory>(ref TMemory memory, ulong pool, int field, ulong value) where TMemory : struct, IMemorySpace =>
        memory.WriteUInt64(pool + (ulong)field, value);
}
