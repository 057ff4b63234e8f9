using PymallocVerify.Properties.Backend.CPython;

namespace PymallocVerify.Properties.CPython;

/// <summary>
/// One allocator of a CPython run: libpython itself, or the port over a twin region. Both are driven the same way, and
/// their observations are compared as offsets from their regions.
/// </summary>
public interface IAllocatorSide : IDisposable
{
    /// <summary>"CPython 3.9" or "the port".</summary>
    string Name { get; }

    PlacementRegion Region { get; }

    ulong Malloc(ulong size);
    ulong Calloc(ulong count, ulong size);
    ulong Realloc(ulong address, ulong size);
    void Free(ulong address);

    /// <summary>The ownership decision for <paramref name="address"/>, without changing anything; null if none was made.</summary>
    bool? Decide(ulong address);

    /// <summary>Blocks handed out from pools (what <c>_Py_GetAllocatedBlocks</c> counts besides raw blocks).</summary>
    long PoolBlocks();

    /// <summary>The arena table: its length (maxarenas) and each slot's base address (0 = unused).</summary>
    int MaxArenas { get; }
    ulong SlotAddress(int slot);

    /// <summary>What <c>sys._debugmallocstats()</c> prints for this allocator.</summary>
    string DebugMallocStats();

    /// <summary>A fault since the last call (an exception in the allocator or a callback), or null.</summary>
    string? TakeFault();
}
