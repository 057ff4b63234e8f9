using PymallocVerify.Allocator;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// The heap's memory backend in concurrency iterations: a struct view of a <see cref="SimulatedAddressSpace"/>.
/// With <see cref="IterationContext.InterleaveMemoryAccesses"/>, every read and write of pool memory is a
/// scheduling point, so Coyote can preempt a mutation in the middle (what a skipped lock exposes).
/// </summary>
public readonly struct SimulatedMemory(SimulatedAddressSpace space) : IMemorySpace
{
    public SimulatedAddressSpace Space => space;

    private void Point()
    {
        if (space.Context.InterleaveMemoryAccesses) space.Context.Interleave();
    }

    public ulong AllocateArena(ulong size) => space.AllocateArena();

    public void FreeArena(ulong address, ulong size)
    {
        space.FreeArena(address);
        DeferredUnpublish(address);
    }

    /// <summary>Seeded bug <see cref="Bugs.SeededBug.ArenaReturnedBeforeUnpublished"/>: the slot is cleared only now, after the memory went back.</summary>
    private void DeferredUnpublish(ulong address)
    {
        var context = space.Context;
        if (!context.UnpublishAfterRelease.Remove(address)) return;
        context.Interleave(); // the window: memory gone, slot still published
        var table = context.ArenaTable?.Invoke() ?? throw new InvalidOperationException("the arena table source is not set");
        for (int i = 0; i < table.Length; i++)
            if (Volatile.Read(ref table[i].Address) == address) Volatile.Write(ref table[i].Address, 0UL);
    }

    public ulong SystemMalloc(ulong size) => space.SystemAllocate(size);

    public ulong SystemCalloc(ulong count, ulong size)
    {
        if (count != 0 && size > ulong.MaxValue / count) return 0;
        ulong block = space.SystemAllocate(count * size);
        if (block != 0) space.Fill(block, 0, count * size);
        return block;
    }

    public ulong SystemRealloc(ulong address, ulong size)
    {
        ulong old = space.SystemBlockSize(address);
        ulong moved = space.SystemAllocate(size);
        if (moved == 0) return 0;
        space.Copy(moved, address, Math.Min(old, size));
        space.SystemFree(address);
        return moved;
    }

    public void SystemFree(ulong address) => space.SystemFree(address);

    public ulong ReadUInt64(ulong address) { Point(); return space.ReadUInt64(address); }

    public void WriteUInt64(ulong address, ulong value) { Point(); space.WriteUInt64(address, value); }

    public uint ReadUInt32(ulong address) { Point(); return space.ReadUInt32(address); }

    public void WriteUInt32(ulong address, uint value) { Point(); space.WriteUInt32(address, value); }

    // The oracle's one read: its scheduling point is the hook's ArenaIndexRead, just before.
    public uint ReadArenaIndex(ulong address) => space.ReadUInt32(address);

    public void Copy(ulong destination, ulong source, ulong count) => space.Copy(destination, source, count);

    public void Fill(ulong destination, byte value, ulong count) => space.Fill(destination, value, count);
}
