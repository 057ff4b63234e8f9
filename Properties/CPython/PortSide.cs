using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Backend.CPython;

namespace PymallocVerify.Properties.CPython;

/// <summary>The port configured by a <see cref="CPythonPreset"/>, over a twin <see cref="PlacementRegion"/>.</summary>
public class PortSide<TOracle>(CPythonPreset preset, PlacementRegion region, ArenaReleasePolicy? arenaRelease = null) : IAllocatorSide
    where TOracle : struct, IOwnershipOracle
{
    private readonly PymallocHeap<RegionMemory, TOracle, NoHooks> _heap =
        new(PropertyGeometries.ForOracle(preset.Geometry, TOracle.Kind), new RegionMemory(region),
            arenaRelease: arenaRelease ?? preset.ArenaRelease);
    private string? _fault;

    public string Name => "the port";
    public PlacementRegion Region => region;
    public PymallocHeap<RegionMemory, TOracle, NoHooks> Heap => _heap;

    public virtual ulong Malloc(ulong size)
    {
        try { return _heap.Malloc(size); }
        catch (Exception e) when (IsFault(e)) { return Faulted(e); }
    }

    public ulong Calloc(ulong count, ulong size)
    {
        try { return _heap.Calloc(count, size); }
        catch (Exception e) when (IsFault(e)) { return Faulted(e); }
    }

    public ulong Realloc(ulong address, ulong size)
    {
        try { return _heap.Realloc(address, size); }
        catch (Exception e) when (IsFault(e)) { return Faulted(e); }
    }

    public void Free(ulong address)
    {
        try { _heap.Free(address); }
        catch (Exception e) when (IsFault(e)) { Faulted(e); }
    }

    public bool? Decide(ulong address)
    {
        try
        {
            return _heap.IsOwned(address);
        }
        catch (Exception e) when (IsFault(e))
        {
            Faulted(e);
            return null;
        }
    }

    public long PoolBlocks() => _heap.GetStats().BlocksInUse;

    /// <summary>The heap's statistics text, and for the radix oracle the arena-map section 3.10+ appends.</summary>
    public string DebugMallocStats() =>
        _heap.GetStats().Format() + ((object)_heap.Oracle is RadixTreeOracle radix ? radix.Map.GetStats().Format() : "");

    public int MaxArenas => _heap.ArenaTableSnapshot.Length;
    public ulong SlotAddress(int slot) => _heap.ArenaTableSnapshot[slot].Address;

    public string? TakeFault()
    {
        string? fault = _fault;
        _fault = null;
        return fault;
    }

    /// <summary>What the port throws when it goes wrong (instead of corrupting memory): a step failure, not a crash.</summary>
    private static bool IsFault(Exception e) => e is WildAccessException or HeapMisuseException or HeapInvariantException;

    private ulong Faulted(Exception e)
    {
        _fault ??= $"{e.GetType().Name}: {e.Message}";
        return 0;
    }

    public void Dispose() => _heap.Dispose();
}
