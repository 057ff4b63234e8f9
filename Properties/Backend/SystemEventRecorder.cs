using System.Collections.Immutable;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Backend;

/// <summary>
/// The simulated space's system boundary as the model's events (the model learns live arenas only from these).
/// </summary>
public sealed class SystemEventRecorder : ISystemBoundaryListener
{
    private readonly List<SystemEvent> _events = [];

    /// <summary>The events since the last call.</summary>
    public ImmutableArray<SystemEvent> TakeEvents()
    {
        var taken = _events.ToImmutableArray();
        _events.Clear();
        return taken;
    }

    public void ArenaObtained(ulong arenaBase, ulong size) => _events.Add(new ArenaObtained(arenaBase, size));
    public void ArenaReturned(ulong arenaBase) => _events.Add(new ArenaReturned(arenaBase));
    public void SystemMalloc(ulong block, ulong size) => _events.Add(new SystemMallocCalled(block, size));
    public void SystemCalloc(ulong block, ulong count, ulong size) => _events.Add(new SystemCallocCalled(block, count, size));
    public void SystemRealloc(ulong oldBlock, ulong newBlock, ulong size) => _events.Add(new SystemReallocCalled(oldBlock, newBlock, size));
    public void SystemFree(ulong block, bool known) => _events.Add(new SystemFreeCalled(block, known));
}
