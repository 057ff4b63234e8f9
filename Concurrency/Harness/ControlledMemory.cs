using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Model.Linearizability;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// The heap's memory backend in concurrency iterations: the allocator's <see cref="SimulatedAddressSpace"/> (not
/// thread-safe, and it need not be: Coyote runs one controlled thread at a time and switches only at our
/// scheduling points, none of which lies inside the space), plus three things a concurrent run needs —
/// arenas placed by <see cref="IterationArenas"/>; arena events recorded into the history at the system-allocator
/// boundary, so the specification never trusts the allocator's own tables; and, with
/// <see cref="IterationContext.InterleaveMemoryAccesses"/>, every read and write of pool memory a scheduling point,
/// so Coyote can preempt a mutation in the middle (what a skipped lock exposes).
/// </summary>
public readonly struct ControlledMemory(SimulatedAddressSpace space, IterationArenas arenas, IterationContext context) : IMemorySpace
{
    public SimulatedAddressSpace Space => space;

    public IterationArenas Arenas => arenas;

    public IterationContext Context => context;

    private void Point()
    {
        if (context.InterleaveMemoryAccesses) context.Interleave();
    }

    public ulong AllocateArena(ulong size)
    {
        arenas.PlaceNext(space);
        ulong address = space.AllocateArena(size);
        if (address == 0) return 0;
        arenas.Mapped(address);
        context.Recorder.RecordEvent(IterationContext.CurrentThread, new ArenaMappedEvent(address));
        return address;
    }

    public void FreeArena(ulong address, ulong size)
    {
        long since = IterationContext.CurrentInvocation;
        context.Recorder.RecordEventSince(IterationContext.CurrentThread, since == 0 ? long.MaxValue : since, new ArenaUnmappedEvent(address));
        arenas.Unmapped(address);
        space.FreeArena(address, size);
        context.Bug?.AfterArenaMemoryReturned(address, context);
    }

    public ulong SystemMalloc(ulong size) => space.SystemMalloc(size);

    public ulong SystemCalloc(ulong count, ulong size) => space.SystemCalloc(count, size);

    public ulong SystemRealloc(ulong address, ulong size) => space.SystemRealloc(address, size);

    public void SystemFree(ulong address) => space.SystemFree(address);

    public ulong ReadUInt64(ulong address) { Point(); return space.ReadUInt64(address); }

    public void WriteUInt64(ulong address, ulong value) { Point(); space.WriteUInt64(address, value); }

    public uint ReadUInt32(ulong address) { Point(); return space.ReadUInt32(address); }

    public void WriteUInt32(ulong address, uint value) { Point(); space.WriteUInt32(address, value); }

    // The oracle's one read: its scheduling point is the hook's ArenaIndexRead, just before.
    public uint ReadArenaIndex(ulong address) => space.ReadArenaIndex(address);

    public void Copy(ulong destination, ulong source, ulong count) => space.Copy(destination, source, count);

    public IPoolWriteLog? PoolWriteLog => null; // no log: every audit walks every pool (and no box per audit)

    public void Fill(ulong destination, byte value, ulong count) => space.Fill(destination, value, count);
}
