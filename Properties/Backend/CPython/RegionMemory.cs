using System.Runtime.CompilerServices;
using PymallocVerify.Allocator;

namespace PymallocVerify.Properties.Backend.CPython;

/// <summary>
/// The port's memory backend in a differential run: the same <see cref="PlacementRegion"/> placement libpython gets, so
/// both place everything at the same offsets. Every access the heap makes must stay in the region
/// (<see cref="WildAccessException"/> instead of a crash).
/// </summary>
public readonly unsafe struct RegionMemory(PlacementRegion region) : IMemorySpace
{
    private readonly NativeMemorySpace _native;

    public PlacementRegion Region => region;

    public ulong AllocateArena(ulong size) => region.AllocateArena(size);
    public void FreeArena(ulong address, ulong size) => region.FreeArena(address);
    public ulong SystemMalloc(ulong size) => region.SystemMalloc(size);
    public ulong SystemCalloc(ulong count, ulong size) => region.SystemCalloc(count, size);
    public ulong SystemRealloc(ulong address, ulong size) => region.SystemRealloc(address, size);
    public void SystemFree(ulong address) => region.SystemFree(address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Check(string what, ulong address, ulong length)
    {
        if (!region.Contains(address, length)) throw new WildAccessException(what, address, length, " (outside the placement region)");
    }

    public ulong ReadUInt64(ulong address) { Check("read", address, 8); return _native.ReadUInt64(address); }
    public void WriteUInt64(ulong address, ulong value) { Check("write", address, 8); _native.WriteUInt64(address, value); }
    public uint ReadUInt32(ulong address) { Check("read", address, 4); return _native.ReadUInt32(address); }
    public void WriteUInt32(ulong address, uint value) { Check("write", address, 4); _native.WriteUInt32(address, value); }
    public uint ReadArenaIndex(ulong address) { Check("arena-index read", address, 4); return _native.ReadArenaIndex(address); }

    public void Copy(ulong destination, ulong source, ulong count)
    {
        if (count == 0) return;
        Check("copy source", source, count);
        Check("copy destination", destination, count);
        _native.Copy(destination, source, count);
    }

    public IPoolWriteLog? PoolWriteLog => null; // no log: every audit walks every pool (and no box per audit)

    public void Fill(ulong destination, byte value, ulong count)
    {
        if (count == 0) return;
        Check("fill", destination, count);
        _native.Fill(destination, value, count);
    }
}
