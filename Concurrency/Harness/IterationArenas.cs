using PymallocVerify.Allocator.Simulated;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// Where one iteration's arenas go in the simulated address space: fixed slots two arenas apart (neighbours never
/// touch, so an off-by-one read lands in no arena), a freed slot reused first — as mmap hands a just-unmapped
/// range straight back, the case where a stale reader meets a new arena at the old address — and every arena
/// offset by the scenario's misalignment. Also remembers every base handed out, which <c>Arena(k)</c> refers to.
/// Only the controlled thread that holds the mutation lock calls it, so it needs no lock of its own.
/// </summary>
public sealed class IterationArenas(ulong arenaSize, ulong misalignment)
{
    /// <summary>Far from the simulated heap and mmap regions, and aligned for any arena size.</summary>
    public const ulong RegionBase = 0x0000_6000_0000_0000;

    private readonly List<bool> _slotInUse = [];
    private readonly List<ulong> _everMapped = [];

    private ulong Stride => 2 * arenaSize;

    /// <summary>Every arena base handed out so far, in order, live or returned.</summary>
    public IReadOnlyList<ulong> EverMapped => _everMapped;

    /// <summary>Asks <paramref name="space"/> to place its next arena in the first free slot that nothing else overlaps.</summary>
    public void PlaceNext(SimulatedAddressSpace space)
    {
        for (int slot = 0; ; slot++)
        {
            if (slot == _slotInUse.Count) _slotInUse.Add(false);
            if (_slotInUse[slot]) continue;
            ulong at = SlotBase(slot);
            if (space.LiveAllocations.Any(a => a.Base < at + arenaSize && at <= a.Last)) continue; // a foreign block sits there
            space.PlaceNextArenaAt(at);
            return;
        }
    }

    /// <summary>The space handed out <paramref name="address"/> (where <see cref="PlaceNext"/> asked).</summary>
    public void Mapped(ulong address)
    {
        _slotInUse[SlotOf(address)] = true;
        _everMapped.Add(address);
    }

    /// <summary>The arena at <paramref name="address"/> goes back; throws if it is not one this iteration holds.</summary>
    public void Unmapped(ulong address)
    {
        int slot = SlotOf(address);
        if (slot < 0 || !_slotInUse[slot])
            throw new InvalidOperationException($"FreeArena(0x{address:x}): not an arena this iteration holds");
        _slotInUse[slot] = false;
    }

    private ulong SlotBase(int slot) => RegionBase + (ulong)slot * Stride + misalignment;

    private int SlotOf(ulong address)
    {
        ulong offset = address - RegionBase - misalignment;
        return offset % Stride == 0 && offset / Stride < (ulong)_slotInUse.Count ? (int)(offset / Stride) : -1;
    }
}
