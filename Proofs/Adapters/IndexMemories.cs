using PymallocVerify.Allocator;

namespace PymallocVerify.Proofs;

/// <summary>The heap's memory, passed through, with the classic oracle's index read recorded (value and address).</summary>
internal struct IndexCapture<TMemory>(TMemory inner) : IMemorySpace where TMemory : struct, IMemorySpace
{
    public TMemory Inner = inner;
    public int Reads;
    public uint Index;
    public ulong ReadAt;

    public uint ReadArenaIndex(ulong address)
    {
        Reads++;
        ReadAt = address;
        Index = Inner.ReadArenaIndex(address);
        return Index;
    }

    public ulong AllocateArena(ulong size) => Inner.AllocateArena(size);
    public void FreeArena(ulong address, ulong size) => Inner.FreeArena(address, size);
    public ulong SystemMalloc(ulong size) => Inner.SystemMalloc(size);
    public ulong SystemCalloc(ulong count, ulong size) => Inner.SystemCalloc(count, size);
    public ulong SystemRealloc(ulong address, ulong size) => Inner.SystemRealloc(address, size);
    public void SystemFree(ulong address) => Inner.SystemFree(address);
    public ulong ReadUInt64(ulong address) => Inner.ReadUInt64(address);
    public void WriteUInt64(ulong address, ulong value) => Inner.WriteUInt64(address, value);
    public uint ReadUInt32(ulong address) => Inner.ReadUInt32(address);
    public void WriteUInt32(ulong address, uint value) => Inner.WriteUInt32(address, value);
    public void Copy(ulong destination, ulong source, ulong count) => Inner.Copy(destination, source, count);
    public void Fill(ulong destination, byte value, ulong count) => Inner.Fill(destination, value, count);
}

/// <summary>
/// A memory whose every arena-index read returns one chosen value: the classic oracle's answer for that garbage, without
/// touching the heap's memory. Any other access is not the classic test's and fails.
/// </summary>
internal struct FixedIndexMemory(uint index) : IMemorySpace
{
    public ulong ReadAt;

    public uint ReadArenaIndex(ulong address)
    {
        ReadAt = address;
        return index;
    }

    public readonly ulong AllocateArena(ulong size) => throw NotTheIndexRead();
    public readonly void FreeArena(ulong address, ulong size) => throw NotTheIndexRead();
    public readonly ulong SystemMalloc(ulong size) => throw NotTheIndexRead();
    public readonly ulong SystemCalloc(ulong count, ulong size) => throw NotTheIndexRead();
    public readonly ulong SystemRealloc(ulong address, ulong size) => throw NotTheIndexRead();
    public readonly void SystemFree(ulong address) => throw NotTheIndexRead();
    public readonly ulong ReadUInt64(ulong address) => throw NotTheIndexRead();
    public readonly void WriteUInt64(ulong address, ulong value) => throw NotTheIndexRead();
    public readonly uint ReadUInt32(ulong address) => throw NotTheIndexRead();
    public readonly void WriteUInt32(ulong address, uint value) => throw NotTheIndexRead();
    public readonly void Copy(ulong destination, ulong source, ulong count) => throw NotTheIndexRead();
    public readonly void Fill(ulong destination, byte value, ulong count) => throw NotTheIndexRead();

    private static InvalidOperationException NotTheIndexRead() =>
        new("the classic ownership test reads only the arena index at p's pool base");
}
