using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.SeededBugs.Oracles;

/// <summary>
/// A radix oracle with a "fast path" through the pool header: every answer is right, but it reads pool memory the
/// radix oracle must never read (foreign memory, for a pointer pymalloc does not own).
/// </summary>
public struct PeekingRadixOracle : IOwnershipOracle
{
    private RadixTreeOracle _radix;
    private PoolIndexOracle _classic;

    public static OracleKind Kind => OracleKind.RadixTree;

    public void Initialize(Geometry geometry)
    {
        _radix.Initialize(geometry);
        _classic.Initialize(geometry);
    }

    public readonly void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks =>
        _radix.OnArenaAdded(arenaBase, ref hooks);

    public readonly void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks =>
        _radix.OnArenaRemoved(arenaBase, ref hooks);

    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) => _radix.CheckInvariants(arenas, arenaSize);

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks =>
        _classic.IsOwned(ref memory, ref hooks, arenas, address) | _radix.IsOwned(ref memory, ref hooks, arenas, address);
}
