using PymallocVerify.Properties.Backend.CPython;

namespace PymallocVerify.Properties.CPython;

/// <summary>libpython's pymalloc, fresh (its statics restored), with arenas and client blocks in <paramref name="region"/>.</summary>
public sealed class LibPythonSide : IAllocatorSide
{
    private readonly LibPythonImage _image;
    private readonly LibPythonSystem _system;
    private readonly Action<ulong> _probe;

    public LibPythonSide(LibPythonInstall install, PlacementRegion region)
    {
        _system = new LibPythonSystem(region);
        _image = LibPythonImagePool.Rent(install);
        _image.Begin(_system);
        _probe = p => _image.Realloc(p, 0);
        Name = $"CPython {install.Version}";
    }

    public string Name { get; }
    public LibPythonImage Image => _image;
    public LibPythonSystem System => _system;
    public PlacementRegion Region => _system.Region;

    public ulong Malloc(ulong size) => _image.Malloc(size);

    public ulong Calloc(ulong count, ulong size)
    {
        _system.ExpectClientCalloc(count, size);
        return _image.Calloc(count, size);
    }

    public ulong Realloc(ulong address, ulong size) => _image.Realloc(address, size);
    public void Free(ulong address) => _image.Free(address);
    public bool? Decide(ulong address) => _system.Probe(address, _probe);

    /// <summary><c>_Py_GetAllocatedBlocks()</c>.</summary>
    public long AllocatedBlocks() => _image.AllocatedBlocks();

    public long PoolBlocks() => _image.AllocatedBlocks() - _system.RawBlocks;

    /// <summary><c>_PyObject_DebugMallocStats(FILE*)</c>'s text.</summary>
    public string DebugMallocStats() => _image.DebugMallocStats();

    public int MaxArenas => _system.MaxArenas;
    public ulong SlotAddress(int slot) => _system.SlotAddress(slot);
    public string? TakeFault() => _system.TakeFault();

    public void Dispose()
    {
        LibPythonImagePool.Return(_image);
        _system.Dispose();
    }
}
