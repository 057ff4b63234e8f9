namespace PymallocVerify.Allocator.Simulated;

/// <summary>
/// Told of every call that crosses the simulated space's system boundary, after it returns: how a test learns which
/// arenas are live and what reached the system allocator without reading the heap's tables.
/// </summary>
public interface ISystemBoundaryListener
{
    void ArenaObtained(ulong arenaBase, ulong size);
    void ArenaReturned(ulong arenaBase);
    void SystemMalloc(ulong block, ulong size);
    void SystemCalloc(ulong block, ulong count, ulong size);
    void SystemRealloc(ulong oldBlock, ulong newBlock, ulong size);

    /// <param name="known">False when the space never handed <paramref name="block"/> out (a misrouted pointer).</param>
    void SystemFree(ulong block, bool known);
}
