using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace PymallocVerify.Allocator;

/// <summary>
/// Real memory: arenas and large blocks from <see cref="NativeMemory"/> (the C runtime's malloc), so arenas
/// are only malloc-aligned — exactly as CPython's arenas from malloc, and the first pool is lost to alignment.
/// </summary>
public unsafe struct NativeMemorySpace : IMemorySpace
{
    public ulong AllocateArena(ulong size) => (ulong)NativeMemory.Alloc((nuint)size);

    public void FreeArena(ulong address, ulong size) => NativeMemory.Free((void*)address);

    public ulong SystemMalloc(ulong size) => (ulong)NativeMemory.Alloc((nuint)Math.Max(size, 1UL));

    public ulong SystemCalloc(ulong count, ulong size)
    {
        if (count != 0 && size > ulong.MaxValue / count) return 0;
        return (ulong)NativeMemory.AllocZeroed((nuint)Math.Max(count, 1UL), (nuint)Math.Max(size, 1UL));
    }

    public ulong SystemRealloc(ulong address, ulong size) =>
        (ulong)NativeMemory.Realloc((void*)address, (nuint)Math.Max(size, 1UL));

    public void SystemFree(ulong address) => NativeMemory.Free((void*)address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64(ulong address) => *(ulong*)address;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong address, ulong value) => *(ulong*)address = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32(ulong address) => *(uint*)address;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt32(ulong address, uint value) => *(uint*)address = value;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadArenaIndex(ulong address) => Volatile.Read(ref *(uint*)address);

    public void Copy(ulong destination, ulong source, ulong count) =>
        Buffer.MemoryCopy((void*)source, (void*)destination, count, count);

    public IPoolWriteLog? PoolWriteLog => null; // no log: every audit walks every pool (and no box per audit)

    public void Fill(ulong destination, byte value, ulong count) =>
        NativeMemory.Fill((void*)destination, (nuint)count, value);
}
