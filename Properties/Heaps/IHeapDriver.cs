using PymallocVerify.Allocator;

namespace PymallocVerify.Properties.Heaps;

/// <summary>
/// A heap over the recording backend with its oracle and hooks fixed, behind one non-generic face, so the runner
/// drives the real allocator and every seeded-bug variant the same way.
/// </summary>
public interface IHeapDriver : IDisposable
{
    ulong Malloc(ulong size);
    ulong Calloc(ulong count, ulong size);
    ulong Realloc(ulong address, ulong size);
    void Free(ulong address);
    bool IsOwned(ulong address);
    ArenaObject[] ArenaTable { get; }
    void CheckInvariants();
}

/// <summary>The one generic implementation: the JIT specialises the heap per oracle and hook type, as in production.</summary>
public sealed class HeapDriver<TOracle, THooks>(Geometry geometry, Backend.RecordingMemory memory, THooks hooks = default)
    : IHeapDriver
    where TOracle : struct, IOwnershipOracle
    where THooks : struct, IHeapHooks
{
    private readonly PymallocHeap<Backend.RecordingMemory, TOracle, THooks> _heap = new(geometry, memory, default, hooks);

    public ulong Malloc(ulong size) => _heap.Malloc(size);
    public ulong Calloc(ulong count, ulong size) => _heap.Calloc(count, size);
    public ulong Realloc(ulong address, ulong size) => _heap.Realloc(address, size);
    public void Free(ulong address) => _heap.Free(address);
    public bool IsOwned(ulong address) => _heap.IsOwned(address);
    public ArenaObject[] ArenaTable => _heap.ArenaTableSnapshot;
    public void CheckInvariants() => _heap.CheckInvariants();
    public void Dispose() => _heap.Dispose();
}
