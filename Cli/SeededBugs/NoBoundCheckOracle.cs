using PymallocVerify.Allocator;

namespace PymallocVerify.Cli.SeededBugs;

/// <summary>
/// Seeded bug <see cref="CliSeededBugs.OracleNoBoundCheck"/>: indexes the arena table with whatever index the
/// pool base holds. In C this reads past the table; here the runtime's bounds check turns it into an exception,
/// which the smoke family reports as a failure.
/// </summary>
public struct NoBoundCheckOracle : IOwnershipOracle
{
    private ulong _poolMask;
    private ulong _arenaSize;

    public static OracleKind Kind => OracleKind.PoolIndex;

    public void Initialize(Geometry geometry)
    {
        _poolMask = ~((ulong)geometry.PoolSize - 1);
        _arenaSize = (ulong)geometry.ArenaSize;
    }

    public void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace
        where THooks : struct, IHeapHooks
    {
        uint index = memory.ReadArenaIndex((address & _poolMask) + PoolHeader.ArenaIndex);
        ulong arenaBase = arenas[index].Address;
        return address - arenaBase < _arenaSize && arenaBase != 0;
    }
}
