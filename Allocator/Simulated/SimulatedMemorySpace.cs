using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator.Simulated;

/// <summary>
/// The heap's view of a <see cref="SimulatedAddressSpace"/>: a struct holding the reference, so copies of it (the
/// heap keeps one by value) all act on the same space. <c>default</c> has no space and refuses to work. An optional
/// <see cref="ISystemBoundaryListener"/> hears every system-boundary call.
/// </summary>
public readonly struct SimulatedMemorySpace : IMemorySpace
{
    private readonly SimulatedAddressSpace? _space;
    private readonly ISystemBoundaryListener? _listener;

    public SimulatedMemorySpace(SimulatedAddressSpace space, ISystemBoundaryListener? listener = null)
    {
        _space = space ?? throw new ArgumentNullException(nameof(space));
        _listener = listener;
    }

    /// <summary>A fresh space with ordinary placement for <paramref name="geometry"/> (its page size).</summary>
    public static SimulatedMemorySpace For(Geometry geometry, ulong seed = 0, bool adversarial = false) =>
        new(SimulatedAddressSpace.For(geometry, seed, adversarial));

    public SimulatedAddressSpace Space =>
        _space ?? throw new InvalidOperationException(
            "this SimulatedMemorySpace is default: construct it with new SimulatedMemorySpace(space) and pass it to the heap");

    public ulong AllocateArena(ulong size)
    {
        ulong arena = Space.AllocateArena(size);
        if (arena != 0) _listener?.ArenaObtained(arena, size);
        return arena;
    }

    public void FreeArena(ulong address, ulong size)
    {
        Space.FreeArena(address, size);
        _listener?.ArenaReturned(address);
    }

    public ulong SystemMalloc(ulong size)
    {
        ulong block = Space.SystemMalloc(size);
        _listener?.SystemMalloc(block, size);
        return block;
    }

    public ulong SystemCalloc(ulong count, ulong size)
    {
        ulong block = Space.SystemCalloc(count, size);
        _listener?.SystemCalloc(block, count, size);
        return block;
    }

    public ulong SystemRealloc(ulong address, ulong size)
    {
        ulong block = Space.SystemRealloc(address, size);
        _listener?.SystemRealloc(address, block, size);
        return block;
    }

    public void SystemFree(ulong address)
    {
        bool known = _listener is not null && Space.FindLive(address) is { Kind: AllocationKind.SystemBlock } b && b.Base == address;
        Space.SystemFree(address);
        _listener?.SystemFree(address, known);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64(ulong address) => Space.ReadUInt64(address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong address, ulong value) => Space.WriteUInt64(address, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32(ulong address) => Space.ReadUInt32(address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt32(ulong address, uint value) => Space.WriteUInt32(address, value);

    public uint ReadArenaIndex(ulong address) => Space.ReadArenaIndex(address);

    public void Copy(ulong destination, ulong source, ulong count) => Space.Copy(destination, source, count);

    public IPoolWriteLog? PoolWriteLog => null; // no log: every audit walks every pool (and no box per audit)

    public void Fill(ulong destination, byte value, ulong count) => Space.Fill(destination, value, count);
}
