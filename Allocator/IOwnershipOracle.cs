namespace PymallocVerify.Allocator;

/// <summary>
/// Decides whether an address belongs to pymalloc. A struct passed as a generic parameter, so a second
/// oracle (or a deliberately broken one, in test code) plugs in without touching the heap.
/// The heap calls the notifications under its (GIL-like) lock; <see cref="IsOwned"/> may run lock-free.
/// </summary>
public interface IOwnershipOracle
{
    static abstract OracleKind Kind { get; }

    /// <summary>Called once by the heap's constructor, after the geometry is validated.</summary>
    void Initialize(Geometry geometry);

    /// <summary>
    /// An arena at <paramref name="arenaBase"/> becomes live (before any pool in it is used, before its slot is
    /// published). <paramref name="hooks"/> marks the oracle's shared writes (e.g. radix nodes) as scheduling points.
    /// </summary>
    void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks;

    /// <summary>An arena is being released: after its slot is cleared, before its memory goes back.</summary>
    void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks;

    /// <summary>
    /// Is <paramref name="address"/> in one of pymalloc's arenas? <paramref name="arenas"/> is one snapshot of the
    /// arena table (its length is maxarenas).
    /// </summary>
    bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace
        where THooks : struct, IHeapHooks;

    /// <summary>
    /// The oracle's own rules, checked against the heap's arena table (<paramref name="arenas"/>, every live slot a
    /// live arena of <paramref name="arenaSize"/> bytes). Throws <see cref="HeapInvariantException"/> naming the first
    /// broken rule. Part of <c>PymallocHeap.CheckInvariants</c>, so every run that checks the heap checks its oracle.
    /// </summary>
    void CheckInvariants(ArenaObject[] arenas, ulong arenaSize);
}
