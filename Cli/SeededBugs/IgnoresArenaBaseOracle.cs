using PymallocVerify.Allocator;

namespace PymallocVerify.Cli.SeededBugs;

/// <summary>Seeded bug <see cref="CliSeededBugs.OracleIgnoresArenaBase"/>: bound check and zero-base check, no range test.</summary>
public struct IgnoresArenaBaseOracle : IOwnershipOracle
{
    private ulong _poolMask;

    public static OracleKind Kind => OracleKind.PoolIndex;

    public void Initialize(Geometry geometry) => _poolMask = ~((ulong)geometry.PoolSize - 1);

    public void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace
        where THooks : struct, IHeapHooks
    {
        uint index = memory.ReadArenaIndex((address & _poolMask) + PoolHeader.ArenaIndex);
        return index < (uint)arenas.Length && arenas[index].Address != 0;
    }
}
