using System.Collections.Immutable;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Backend;

/// <summary>
/// The simulated space as the heap's memory backend, with its system boundary recorded for the model (which learns
/// live arenas only from these events). Every read and write goes to the space, so memcheck sees each one.
/// Hidden from stack traces, so a memcheck report names the heap or oracle code that made the access, not this wrapper.
/// </summary>
[StackTraceHidden]
public readonly struct RecordingSimulatedMemory(SimulatedAddressSpace space, List<SystemEvent> events) : IMemorySpace
{
    private readonly SimulatedMemorySpace _inner = new(space);

    public SimulatedAddressSpace Space => _inner.Space;

    /// <summary>The events since the last call.</summary>
    public ImmutableArray<SystemEvent> TakeEvents()
    {
        var taken = events.ToImmutableArray();
        events.Clear();
        return taken;
    }

    public ulong AllocateArena(ulong size)
    {
        ulong arena = _inner.AllocateArena(size);
        if (arena != 0) events.Add(new ArenaObtained(arena, size));
        return arena;
    }

    public void FreeArena(ulong address, ulong size)
    {
        _inner.FreeArena(address, size);
        events.Add(new ArenaReturned(address));
    }

    public ulong SystemMalloc(ulong size)
    {
        ulong block = _inner.SystemMalloc(size);
        events.Add(new SystemMallocCalled(block, size));
        return block;
    }

    public ulong SystemCalloc(ulong count, ulong size)
    {
        ulong block = _inner.SystemCalloc(count, size);
        events.Add(new SystemCallocCalled(block, count, size));
        return block;
    }

    public ulong SystemRealloc(ulong address, ulong size)
    {
        ulong block = _inner.SystemRealloc(address, size);
        events.Add(new SystemReallocCalled(address, block, size));
        return block;
    }

    public void SystemFree(ulong address)
    {
        bool known = Space.FindLive(address) is { Kind: AllocationKind.SystemBlock } b && b.Base == address;
        _inner.SystemFree(address);
        events.Add(new SystemFreeCalled(address, known));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong ReadUInt64(ulong address) => _inner.ReadUInt64(address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt64(ulong address, ulong value) => _inner.WriteUInt64(address, value);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public uint ReadUInt32(ulong address) => _inner.ReadUInt32(address);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void WriteUInt32(ulong address, uint value) => _inner.WriteUInt32(address, value);

    public uint ReadArenaIndex(ulong address) => _inner.ReadArenaIndex(address);

    public void Copy(ulong destination, ulong source, ulong count) => _inner.Copy(destination, source, count);

    public void Fill(ulong destination, byte value, ulong count) => _inner.Fill(destination, value, count);
}
