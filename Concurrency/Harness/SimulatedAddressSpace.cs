using System.Buffers.Binary;
using PymallocVerify.Model.Linearizability;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// A small deterministic address space for concurrency iterations: arenas in fixed slots (a freed slot is
/// reused first, so addresses come back as they do from mmap), system blocks bumped from a second region.
/// Freed memory keeps its bytes — the worst case for a reader that looks at it too late — and reads outside
/// both regions return a fixed garbage pattern instead of faulting. Arena events are recorded here, at the
/// system-allocator boundary, so the specification never has to trust the allocator's own tables.
/// </summary>
public sealed class SimulatedAddressSpace
{
    /// <summary>Where the arena region starts: far from 0, and aligned for any arena size used here.</summary>
    public const ulong Base = 0x1000_0000;
    public const uint GarbageIndex = 0xA5A5_A5A5;

    private readonly Lock _gate = new();
    private readonly byte[] _bytes;
    private readonly ulong _arenaSize;
    private readonly ulong _arenaStride;
    private readonly ulong _misalignment;
    private readonly bool[] _slotInUse;
    private readonly ulong _systemStart;
    private ulong _systemNext;
    private readonly Dictionary<ulong, ulong> _systemBlocks = [];
    private readonly List<ulong> _arenasEverMapped = [];

    /// <param name="misalignment">Offset of every arena from an arena boundary (0 = aligned), to exercise unaligned arenas.</param>
    public SimulatedAddressSpace(IterationContext context, ulong arenaSize, int arenaSlots, ulong systemBytes, ulong misalignment = 0)
    {
        if (arenaSlots < 1 || arenaSize == 0 || misalignment >= arenaSize)
            throw new ArgumentException($"need at least one arena slot and a misalignment below the arena size ({misalignment} >= {arenaSize})");
        Context = context;
        _arenaSize = arenaSize;
        _arenaStride = 2 * arenaSize; // a gap after every arena: neighbours never touch, so off-by-one reads stay foreign
        _misalignment = misalignment;
        _slotInUse = new bool[arenaSlots];
        _systemStart = Base + (ulong)arenaSlots * _arenaStride;
        _systemNext = _systemStart;
        _bytes = new byte[checked((int)(_systemStart - Base + systemBytes))];
    }

    public IterationContext Context { get; }

    /// <summary>Every arena base handed out so far, in order (address expressions refer to them).</summary>
    public IReadOnlyList<ulong> ArenasEverMapped { get { lock (_gate) return [.. _arenasEverMapped]; } }

    public ulong AllocateArena()
    {
        ulong address;
        lock (_gate)
        {
            int slot = Array.IndexOf(_slotInUse, false);
            if (slot < 0) return 0;
            _slotInUse[slot] = true;
            address = Base + (ulong)slot * _arenaStride + _misalignment;
            _arenasEverMapped.Add(address);
        }
        Context.Recorder.RecordEvent(IterationContext.CurrentThread, new ArenaMappedEvent(address));
        return address;
    }

    public void FreeArena(ulong address)
    {
        long since = IterationContext.CurrentInvocation;
        Context.Recorder.RecordEventSince(IterationContext.CurrentThread, since == 0 ? long.MaxValue : since, new ArenaUnmappedEvent(address));
        lock (_gate)
        {
            ulong offset = address - Base - _misalignment;
            int slot = (int)(offset / _arenaStride);
            if (offset % _arenaStride != 0 || slot >= _slotInUse.Length || !_slotInUse[slot])
                throw new InvalidOperationException($"FreeArena(0x{address:x}): not an arena this space handed out");
            _slotInUse[slot] = false;
        }
    }

    public ulong SystemAllocate(ulong size)
    {
        lock (_gate)
        {
            ulong start = _systemNext;
            ulong rounded = (Math.Max(size, 1UL) + 15) & ~15UL;
            if (rounded > (ulong)_bytes.Length || start + rounded + 16 > Base + (ulong)_bytes.Length) return 0;
            _systemNext = start + rounded + 16; // a gap, so a block's end is never another block's start
            _systemBlocks[start] = size;
            return start;
        }
    }

    public ulong SystemBlockSize(ulong address)
    {
        lock (_gate)
            return _systemBlocks.TryGetValue(address, out ulong size) ? size
                : throw new InvalidOperationException($"0x{address:x} is not a live system block");
    }

    public void SystemFree(ulong address)
    {
        lock (_gate)
            if (!_systemBlocks.Remove(address))
                throw new InvalidOperationException($"SystemFree(0x{address:x}): not a live system block");
    }

    private bool Inside(ulong address, int width) => address >= Base && address - Base <= (ulong)(_bytes.Length - width);

    public ulong ReadUInt64(ulong address) =>
        Inside(address, 8) ? BinaryPrimitives.ReadUInt64LittleEndian(_bytes.AsSpan((int)(address - Base))) : ((ulong)GarbageIndex << 32) | GarbageIndex;

    public uint ReadUInt32(ulong address) =>
        Inside(address, 4) ? BinaryPrimitives.ReadUInt32LittleEndian(_bytes.AsSpan((int)(address - Base))) : GarbageIndex;

    public void WriteUInt64(ulong address, ulong value)
    {
        if (!Inside(address, 8)) throw new InvalidOperationException($"write of 8 bytes at unmapped 0x{address:x}");
        BinaryPrimitives.WriteUInt64LittleEndian(_bytes.AsSpan((int)(address - Base)), value);
    }

    public void WriteUInt32(ulong address, uint value)
    {
        if (!Inside(address, 4)) throw new InvalidOperationException($"write of 4 bytes at unmapped 0x{address:x}");
        BinaryPrimitives.WriteUInt32LittleEndian(_bytes.AsSpan((int)(address - Base)), value);
    }

    public void Copy(ulong destination, ulong source, ulong count)
    {
        if (count == 0) return;
        if (!Inside(destination, (int)count) || !Inside(source, (int)count))
            throw new InvalidOperationException($"copy of {count} bytes 0x{source:x} -> 0x{destination:x} leaves the address space");
        _bytes.AsSpan((int)(source - Base), (int)count).CopyTo(_bytes.AsSpan((int)(destination - Base)));
    }

    public void Fill(ulong destination, byte value, ulong count)
    {
        if (count == 0) return;
        if (!Inside(destination, (int)count))
            throw new InvalidOperationException($"fill of {count} bytes at 0x{destination:x} leaves the address space");
        _bytes.AsSpan((int)(destination - Base), (int)count).Fill(value);
    }
}
