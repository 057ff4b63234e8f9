using System.Collections.Immutable;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using PymallocVerify.Allocator;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Backend;

/// <summary>
/// The shared state behind <see cref="RecordingMemory"/> (a struct copied into the heap): every system-boundary
/// event, in order, and every region of real memory the test owns.
/// <list type="bullet">
/// <item>Arenas sit at a chosen offset past a pool boundary (<c>arenaHeadOffsets</c>, cycled) inside a larger raw
/// block, with a pool of slack before and after: queries just outside an arena read test-owned memory, and runs are
/// deterministic instead of depending on where malloc puts a 256 KiB block.</item>
/// <item>Fresh arenas and chunks are filled with <see cref="ArenaFill"/>: the garbage memory holds before anyone writes it,
/// the same on every run.</item>
/// <item>Raw blocks are carved in ascending order from slabs reused across cases (<see cref="NativeSlabPool"/>: no page
/// fault per fresh page), with a gap between neighbours — the order and spacing malloc gave them once a previous case
/// had freed its blocks, so arenas and system blocks lie relative to each other as they did on malloc's memory.</item>
/// <item>Returned arenas are quarantined — kept mapped until the run ends — so queries inside a freed arena read
/// real memory, and a later arena never reuses the address (no ABA between the model and the heap).</item>
/// <item>System blocks and foreign blocks come from pool-aligned spans of test-owned chunks, so the classic
/// oracle's read at their pool base is always in mapped memory the test controls, even with 16 KiB pools.</item>
/// </list>
/// Every access the heap makes is checked against these regions (<see cref="WildAccessException"/> instead of a crash).
/// </summary>
public sealed unsafe class MemoryRecorder : IPoolWriteLog, IDisposable
{
    /// <summary>What a fresh arena's bytes hold: an arena index read from it is far out of range.</summary>
    public const byte ArenaFill = 0xCB;

    // A chunk is filled on creation like an arena, so its size is paid per case that makes a system block: at 1 MiB
    // the fill took 9% of a tiny-geometry property run's samples. Sixteen pools hold the spans of a case's first few
    // system blocks; a bigger block gets a chunk of its own size.
    private const ulong ChunkPools = 16;

    /// <summary>Where successive blocks start in their spans (see <see cref="CarveBlock"/>).</summary>
    private static readonly ulong[] SpanOffsets = [0, 48, 16, 64];

    private readonly ulong _poolSize;
    private readonly int[] _arenaHeadOffsets;
    private readonly List<SystemEvent> _events = [];
    private readonly MemoryFence _regions = new();
    private readonly List<nint> _slabs = [];
    private readonly List<nint> _oversizedBlocks = []; // larger than a slab: from malloc, freed at Dispose
    private ulong _slabNext, _slabEnd;
    private readonly Dictionary<ulong, ulong> _arenas = []; // live arena base -> size
    private readonly Dictionary<ulong, ulong> _systemBlocks = []; // system or foreign block -> size
    private int _arenasObtained;
    private int _spanCount;
    private ulong _chunkNext, _chunkEnd;
    private ulong _injectAt;
    private uint _injectValue;
    private bool _injectArmed;
    private bool _disposed;
    // The pool write log (IPoolWriteLog): pools written since the heap's last audit, the last one apart to skip the
    // set on the writes that follow it, and whether an arena came or went (then every pool may have changed).
    // A mutation writes one to three pools; past WrittenPoolsKept distinct pools the log stops listing and answers
    // "may have changed" for every pool until the next reset (a full walk, never a skipped one).
    private const int WrittenPoolsKept = 8;
    private readonly ulong[] _writtenPools = new ulong[WrittenPoolsKept];
    private int _writtenPoolCount;
    private ulong _lastWrittenPool = ulong.MaxValue;
    private bool _everyPoolChanged;

    public MemoryRecorder(ulong poolSize, IReadOnlyList<int> arenaHeadOffsets)
    {
        if (poolSize == 0 || (poolSize & (poolSize - 1)) != 0) throw new ArgumentException($"pool size {poolSize} is not a power of two");
        _poolSize = poolSize;
        _arenaHeadOffsets = arenaHeadOffsets.Count == 0 ? [0] : [.. arenaHeadOffsets];
        foreach (int offset in _arenaHeadOffsets)
            if (offset < 0 || (ulong)offset >= poolSize || offset % 16 != 0)
                throw new ArgumentException($"arena head offset {offset} must be a multiple of 16 in [0, {poolSize})");
    }

    public RecordingMemory Memory => new(this);

    /// <summary>Set when an access outside test-owned memory was refused; the runner reports it.</summary>
    public string? WildAccess { get; private set; }

    public int LiveArenaCount => _arenas.Count;

    public int LiveSystemBlockCount => _systemBlocks.Count;

    /// <summary>The events since the last call.</summary>
    public ImmutableArray<SystemEvent> TakeEvents()
    {
        var events = _events.ToImmutableArray();
        _events.Clear();
        return events;
    }

    public bool IsTestOwned(ulong address, ulong length) => _regions.Contains(address, length);

    [MethodImpl(MethodImplOptions.AggressiveInlining)] // once per heap read and write: the refusal stays out of line
    public void Check(string what, ulong address, ulong length)
    {
        if (length != 0 && !_regions.Contains(address, length)) Refuse(what, address, length);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Refuse(string what, ulong address, ulong length)
    {
        try
        {
            _regions.Check(what, address, length);
        }
        catch (WildAccessException e)
        {
            WildAccess ??= e.Message;
            throw;
        }
    }

    /// <summary>
    /// Notes that [<paramref name="address"/>, +<paramref name="length"/>) changed, for the pool write log. The heap's
    /// writes come here through <see cref="RecordingMemory"/>; the backend's own writes into test memory must too.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void NoteWrite(ulong address, ulong length)
    {
        ulong pool = address & ~(_poolSize - 1);
        if (pool == _lastWrittenPool && length <= _poolSize - (address - pool)) return;
        NoteWriteSlow(address, length);
    }

    private void NoteWriteSlow(ulong address, ulong length)
    {
        if (_everyPoolChanged) return;
        ulong last = address + Math.Max(length, 1) - 1;
        for (ulong pool = address & ~(_poolSize - 1); ; pool += _poolSize)
        {
            if (Array.IndexOf(_writtenPools, pool, 0, _writtenPoolCount) < 0)
            {
                if (_writtenPoolCount == WrittenPoolsKept) _everyPoolChanged = true;
                else _writtenPools[_writtenPoolCount++] = pool;
            }
            _lastWrittenPool = pool;
            if (last - pool < _poolSize) break;
        }
    }

    public bool TryListChanged(out ReadOnlySpan<ulong> pools)
    {
        pools = _writtenPools.AsSpan(0, _writtenPoolCount);
        return !_everyPoolChanged;
    }

    public void Reset()
    {
        _writtenPoolCount = 0;
        _lastWrittenPool = ulong.MaxValue;
        _everyPoolChanged = false;
    }

    /// <summary>The next arena-index read at <paramref name="address"/> returns <paramref name="value"/> (see <see cref="GarbageDelivery.Simulated"/>).</summary>
    public void ArmIndexRead(ulong address, uint value) => (_injectAt, _injectValue, _injectArmed) = (address, value, true);

    public void DisarmIndexRead() => _injectArmed = false;

    internal bool TryInjectedIndexRead(ulong address, out uint value)
    {
        value = _injectValue;
        if (!_injectArmed || address != _injectAt) return false;
        _injectArmed = false;
        return true;
    }

    private ulong RawAlloc(ulong bytes, ulong alignment)
    {
        ulong raw;
        if (bytes + alignment > NativeSlabPool.SlabBytes || alignment > NativeSlabPool.SlabAlignment)
        {
            raw = (ulong)NativeMemory.AlignedAlloc((nuint)bytes, (nuint)alignment);
            if (raw == 0) throw new OutOfMemoryException($"test backend could not map {bytes} bytes");
            _oversizedBlocks.Add((nint)raw);
        }
        else
        {
            raw = (_slabNext + alignment - 1) & ~(alignment - 1);
            if (_slabs.Count == 0 || raw + bytes > _slabEnd)
            {
                nint slab = NativeSlabPool.Rent();
                _slabs.Add(slab);
                (raw, _slabEnd) = ((ulong)slab, (ulong)slab + NativeSlabPool.SlabBytes);
            }
            _slabNext = raw + bytes + alignment; // the gap: no two raw blocks touch, as between malloc's blocks
        }
        _everyPoolChanged = true; // fresh bytes, also where a reused slab held pools before
        NativeMemory.Fill((void*)raw, (nuint)bytes, ArenaFill); // deterministic "uninitialised" bytes, also in a reused block
        _regions.Add(raw, bytes);
        return raw;
    }

    internal ulong AllocateArena(ulong size)
    {
        ulong head = (ulong)_arenaHeadOffsets[_arenasObtained++ % _arenaHeadOffsets.Length];
        ulong raw = RawAlloc(size + 3 * _poolSize, _poolSize);
        ulong arena = raw + _poolSize + head;
        _arenas[arena] = size;
        _everyPoolChanged = true;
        _events.Add(new ArenaObtained(arena, size));
        return arena;
    }

    internal void FreeArena(ulong address)
    {
        _arenas.Remove(address); // quarantined: the raw block stays mapped until Dispose
        _everyPoolChanged = true;
        _events.Add(new ArenaReturned(address));
    }

    /// <summary>A block in its own pool-aligned span; the offset in the span cycles so blocks start at and after pool bases.</summary>
    private ulong CarveBlock(ulong bytes)
    {
        ulong offset = Math.Min(SpanOffsets[_spanCount++ % SpanOffsets.Length], _poolSize / 2);
        ulong span = (offset + Math.Max(bytes, 1) + _poolSize - 1) & ~(_poolSize - 1);
        if (_chunkEnd - _chunkNext < span)
        {
            ulong chunk = Math.Max(ChunkPools * _poolSize, span);
            _chunkNext = RawAlloc(chunk, _poolSize);
            _chunkEnd = _chunkNext + chunk;
        }
        ulong block = _chunkNext + offset;
        _chunkNext += span;
        _systemBlocks[block] = Math.Max(bytes, 1);
        return block;
    }

    internal ulong SystemMalloc(ulong size)
    {
        ulong block = CarveBlock(size);
        _events.Add(new SystemMallocCalled(block, size));
        return block;
    }

    internal ulong SystemCalloc(ulong count, ulong size)
    {
        if (count != 0 && size > ulong.MaxValue / count) return 0;
        ulong block = CarveBlock(count * size);
        NoteWrite(block, Math.Max(count * size, 1));
        NativeMemory.Clear((void*)block, (nuint)Math.Max(count * size, 1));
        _events.Add(new SystemCallocCalled(block, count, size));
        return block;
    }

    internal ulong SystemRealloc(ulong address, ulong size)
    {
        if (!_systemBlocks.TryGetValue(address, out ulong old))
        {
            _events.Add(new SystemReallocCalled(address, 0, size));
            return 0; // not a system block: refusing is safer than realloc'ing a pool block
        }
        ulong block = CarveBlock(size);
        NoteWrite(block, Math.Max(size, 1));
        Buffer.MemoryCopy((void*)address, (void*)block, Math.Max(size, 1), Math.Min(old, Math.Max(size, 1)));
        _systemBlocks.Remove(address);
        _events.Add(new SystemReallocCalled(address, block, size));
        return block;
    }

    internal void SystemFree(ulong address)
    {
        bool known = _systemBlocks.Remove(address);
        _events.Add(new SystemFreeCalled(address, known));
    }

    /// <summary>A block outside pymalloc, carved like a system block but recorded as nothing (the heap never saw it).</summary>
    public ulong ForeignAlloc(ulong size) => CarveBlock(size);

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        foreach (nint slab in _slabs) NativeSlabPool.Return(slab);
        foreach (nint block in _oversizedBlocks) NativeMemory.AlignedFree((void*)block);
        _slabs.Clear();
        _oversizedBlocks.Clear();
        _regions.Clear();
    }
}
