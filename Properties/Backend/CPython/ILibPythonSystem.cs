namespace PymallocVerify.Properties.Backend.CPython;

/// <summary>
/// What a loaded libpython calls below pymalloc: the arena allocator (<c>PyObject_SetArenaAllocator</c>) and the raw
/// domain (<c>PyMem_SetAllocator(PYMEM_DOMAIN_RAW, …)</c>). Addresses are 64-bit integers, 0 = NULL. Implementations
/// must not throw: an exception cannot cross back into C (<see cref="LibPythonCallbacks"/> catches and reports it).
/// </summary>
public interface ILibPythonSystem
{
    ulong AllocateArena(ulong size);
    void FreeArena(ulong address, ulong size);
    ulong RawMalloc(ulong size);
    ulong RawCalloc(ulong count, ulong size);
    ulong RawRealloc(ulong address, ulong size);
    void RawFree(ulong address);

    /// <summary>A callback threw; the run must fail with this message.</summary>
    void ReportCallbackFault(string what, Exception exception);
}
