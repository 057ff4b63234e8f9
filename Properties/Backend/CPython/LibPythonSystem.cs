using System.Runtime.InteropServices;

namespace PymallocVerify.Properties.Backend.CPython;

/// <summary>
/// What libpython sees below pymalloc during one case: arenas and client blocks from a <see cref="PlacementRegion"/>,
/// and its own bookkeeping apart. The raw domain carries both, told apart by the call:
/// <list type="bullet">
/// <item>a raw <c>realloc</c> of NULL or of a bookkeeping block is the <c>arenas</c> vector growing (pymalloc's only
/// realloc'd structure); any other raw realloc is a client's (a pointer pymalloc decided is not its own);</item>
/// <item>a raw <c>calloc</c> is a client's only in a <c>PyObject_Calloc</c> whose request pymalloc did not serve (first
/// call with exactly the request's arguments, <see cref="ExpectClientCalloc"/>); others are radix-tree nodes (3.10+);</item>
/// <item>every raw <c>malloc</c> and <c>free</c> is a client's.</item>
/// </list>
/// Bookkeeping comes from the C heap, outside the region, so it never shifts where client memory goes.
/// <para>A <b>probe</b> asks libpython's ownership test without side effects: <c>PyObject_Realloc(p, 0)</c> either decides
/// p is not pymalloc's and calls the raw realloc with p (answer false), or shrinks an owned block by allocating 0 bytes,
/// which goes to the raw malloc (answer true). Both answer NULL here, so nothing changes.</para>
/// </summary>
public sealed unsafe class LibPythonSystem(PlacementRegion region) : ILibPythonSystem, IDisposable
{
    /// <summary>sizeof(struct arena_object) on 64-bit, 3.8–3.11: address, pool_address, nfreepools, ntotalpools,
    /// freepools, nextarena, prevarena.</summary>
    public const int ArenaObjectBytes = 48;

    private readonly Dictionary<ulong, ulong> _bookkeeping = [];
    private (ulong Count, ulong Size)? _clientCalloc;
    private ulong _probeAddress;
    private bool _probing;
    private bool? _probeAnswer;
    private string? _fault;

    public PlacementRegion Region => region;

    /// <summary>pymalloc's <c>arenas</c> vector (0 before the first arena) and its length in slots (maxarenas).</summary>
    public ulong ArenaVector { get; private set; }
    public int MaxArenas { get; private set; }

    /// <summary>Raw blocks libpython's object allocator counts: client raw mallocs/callocs made minus raw frees.</summary>
    public long RawBlocks { get; private set; }

    public long BookkeepingCalls { get; private set; }

    /// <summary>The next raw calloc with these arguments is the client's (the request pymalloc did not serve).</summary>
    public void ExpectClientCalloc(ulong count, ulong size) => _clientCalloc = (count, size);

    /// <summary>The first fault since the last call (a callback threw, or a probe saw an unexpected call), or null.</summary>
    public string? TakeFault()
    {
        string? fault = _fault;
        _fault = null;
        _clientCalloc = null;
        return fault;
    }

    /// <summary>Base address of arena slot <paramref name="slot"/> (0 = unused).</summary>
    public ulong SlotAddress(int slot) => *(ulong*)(ArenaVector + (ulong)slot * ArenaObjectBytes);

    /// <summary>Runs <paramref name="probe"/> (which must call PyObject_Realloc(<paramref name="address"/>, 0)) and returns the decision.</summary>
    public bool? Probe(ulong address, Action<ulong> probe)
    {
        (_probing, _probeAddress, _probeAnswer) = (true, address, null);
        try
        {
            probe(address);
        }
        finally
        {
            _probing = false;
        }
        if (_probeAnswer is null) Fault("probe", $"PyObject_Realloc(0x{address:x}, 0) reached neither the raw realloc nor the raw malloc");
        return _probeAnswer;
    }

    public ulong AllocateArena(ulong size)
    {
        if (_probing) return Unexpected("arena alloc");
        return region.AllocateArena(size);
    }

    public void FreeArena(ulong address, ulong size)
    {
        if (_probing) { Unexpected("arena free"); return; }
        region.FreeArena(address);
    }

    public ulong RawMalloc(ulong size)
    {
        if (_probing)
        {
            if (size != 0 || _probeAnswer is not null) return Unexpected($"raw malloc({size})");
            _probeAnswer = true;
            return 0;
        }
        ulong block = region.SystemMalloc(size);
        if (block != 0) RawBlocks++;
        return block;
    }

    public ulong RawCalloc(ulong count, ulong size)
    {
        if (_probing) return Unexpected($"raw calloc({count}, {size})");
        if (_clientCalloc == (count, size))
        {
            _clientCalloc = null;
            ulong block = region.SystemCalloc(count, size);
            if (block != 0) RawBlocks++;
            return block;
        }
        BookkeepingCalls++;
        ulong node = (ulong)NativeMemory.AllocZeroed((nuint)Math.Max(count, 1), (nuint)Math.Max(size, 1));
        if (node != 0) _bookkeeping[node] = count * size;
        return node;
    }

    public ulong RawRealloc(ulong address, ulong size)
    {
        if (_probing)
        {
            if (address != _probeAddress || size != 0 || _probeAnswer is not null)
                return Unexpected($"raw realloc(0x{address:x}, {size})");
            _probeAnswer = false;
            return 0;
        }
        if (address == 0 || _bookkeeping.ContainsKey(address))
        {
            BookkeepingCalls++;
            ulong moved = (ulong)NativeMemory.Realloc((void*)address, (nuint)Math.Max(size, 1));
            if (moved == 0) return 0;
            _bookkeeping.Remove(address);
            _bookkeeping[moved] = size;
            (ArenaVector, MaxArenas) = (moved, (int)(size / ArenaObjectBytes));
            return moved;
        }
        return region.SystemRealloc(address, size);
    }

    public void RawFree(ulong address)
    {
        if (_probing) { Unexpected($"raw free(0x{address:x})"); return; }
        if (_bookkeeping.ContainsKey(address))
        {
            Fault("raw free", $"libpython freed its own bookkeeping block 0x{address:x}");
            return;
        }
        region.SystemFree(address);
        RawBlocks--;
    }

    public void ReportCallbackFault(string what, Exception exception) => Fault(what, $"{exception.GetType().Name}: {exception.Message}");

    private ulong Unexpected(string call)
    {
        Fault("probe", $"{call} during the ownership probe of 0x{_probeAddress:x}: the probe must not change the heap");
        return 0;
    }

    private void Fault(string what, string message) => _fault ??= $"{what}: {message}";

    public void Dispose()
    {
        foreach (ulong block in _bookkeeping.Keys) NativeMemory.Free((void*)block);
        _bookkeeping.Clear();
        (ArenaVector, MaxArenas) = (0, 0);
    }
}
