using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator.Radix;

/// <summary>
/// CPython 3.10+'s <c>address_in_range</c>: <c>arena_map_is_used(p)</c>. Owned ⇔ p lies in
/// <c>[base, base + ARENA_SIZE)</c> of a live arena — exactly, including an unaligned head and uncarved pools.
/// Reads no pool memory, so it is safe for any pointer and any pool size. A struct holding a reference to the
/// <see cref="ArenaMap"/> (one per heap, created by <see cref="Initialize"/>), so the heap's copy and the
/// caller's see the same tree.
/// </summary>
public struct RadixTreeOracle : IOwnershipOracle
{
    private ArenaMap? _map;

    public static OracleKind Kind => OracleKind.RadixTree;

    /// <summary>The tree, for stats and tests. Exists once the heap has called <see cref="Initialize"/>.</summary>
    public readonly ArenaMap Map =>
        _map ?? throw new InvalidOperationException("the radix-tree oracle is not initialised: the heap's constructor calls Initialize");

    public void Initialize(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        _map = new ArenaMap(geometry.ArenaBits, geometry.RadixAddressBits);
    }

    public readonly void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks =>
        Map.Mark(arenaBase, ref hooks);

    public readonly void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks =>
        Map.Unmark(arenaBase, ref hooks);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace
        where THooks : struct, IHeapHooks =>
        _map!.IsUsed(address, ref hooks); // the heap's constructor set it; Map's explicit check cost the hot path a test and branch

    /// <summary>The tree's leaf rules, and its coverage against the table: see <see cref="ArenaMap.CheckInvariants(ArenaObject[])"/>.</summary>
    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) => Map.CheckInvariants(arenas);
}
