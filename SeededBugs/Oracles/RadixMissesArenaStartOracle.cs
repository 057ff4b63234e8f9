using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.SeededBugs.Oracles;

/// <summary>An arena map whose lookups are off by one at the start of every arena: the first byte of each arena is not owned.</summary>
public struct RadixMissesArenaStartOracle : IOwnershipOracle
{
    private RadixTreeOracle _radix;

    public static OracleKind Kind => OracleKind.RadixTree;
    public void Initialize(Geometry geometry) => _radix.Initialize(geometry);
    public readonly void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks => _radix.OnArenaAdded(arenaBase, ref hooks);
    public readonly void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks => _radix.OnArenaRemoved(arenaBase, ref hooks);

    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) => _radix.CheckInvariants(arenas, arenaSize);

    public readonly bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks =>
        _radix.IsOwned(ref memory, ref hooks, arenas, address) && _radix.IsOwned(ref memory, ref hooks, arenas, address - 1);
}
