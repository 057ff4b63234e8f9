using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs.Oracles;

/// <summary>A (broken) decision on an arena index already read from the pool header (see <see cref="IndexRules"/>).</summary>
public interface IIndexRule
{
    static abstract bool Decide(uint index, ArenaObject[] arenas, ulong address, ulong arenaSize);
}

/// <summary>
/// The classic <c>address_in_range</c> with its decision replaced by <typeparamref name="TRule"/>; the one index read is
/// the real oracle's (<see cref="IMemorySpace.ReadArenaIndex"/>), so only the decision differs.
/// </summary>
public struct BrokenPoolIndexOracle<TRule> : IOwnershipOracle where TRule : struct, IIndexRule
{
    private ulong _poolMask, _arenaSize;

    public static OracleKind Kind => OracleKind.PoolIndex;

    public void Initialize(Geometry geometry) =>
        (_poolMask, _arenaSize) = (~((ulong)geometry.PoolSize - 1), (ulong)geometry.ArenaSize);

    public void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }

    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) { }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks =>
        TRule.Decide(memory.ReadArenaIndex((address & _poolMask) + PoolHeader.ArenaIndex), arenas, address, _arenaSize);
}
