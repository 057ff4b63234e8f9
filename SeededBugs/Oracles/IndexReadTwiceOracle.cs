using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Oracles;

/// <summary>
/// The classic oracle reads the arena index a second time with an ordinary load, outside the one suppression (e.g. a
/// "debug check" of the index). On real memory the read is of bytes the test owns and every answer is right.
/// </summary>
public struct IndexReadTwiceOracle : IOwnershipOracle
{
    private PoolIndexOracle _classic;
    private ulong _poolMask;

    public static OracleKind Kind => OracleKind.PoolIndex;

    public void Initialize(Geometry geometry)
    {
        _classic.Initialize(geometry);
        _poolMask = ~((ulong)geometry.PoolSize - 1);
    }

    public void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks
    {
        bool owned = _classic.IsOwned(ref memory, ref hooks, arenas, address);
        uint again = memory.ReadUInt32((address & _poolMask) + PoolHeader.ArenaIndex);
        return owned && again < (uint)arenas.Length;
    }
}
