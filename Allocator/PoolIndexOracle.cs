using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator;

/// <summary>
/// CPython's classic <c>address_in_range</c>: read the arena index at p's pool base (possibly garbage),
/// and accept iff the index is in bounds, p lies within ARENA_SIZE above that slot's base (unsigned
/// subtraction, so p below the base wraps and fails) and the slot is live (base ≠ 0).
/// Precondition: p's pool base is readable — true when POOL_SIZE ≤ page (see <see cref="Geometry.Validate"/>).
/// </summary>
public struct PoolIndexOracle : IOwnershipOracle
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

    /// <summary>No state of its own: the pool headers and the table it reads are the heap's, checked by the heap.</summary>
    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) { }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace
        where THooks : struct, IHeapHooks
    {
        hooks.Interleave(SharedAccess.ArenaIndexRead);
        uint index = memory.ReadArenaIndex((address & _poolMask) + PoolHeader.ArenaIndex);
        return Decide(index, arenas, address, _arenaSize, ref hooks);
    }

    /// <summary>The decision for a given index value: what memcheck re-evaluates under every garbage class.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool Decide<THooks>(uint index, ArenaObject[] arenas, ulong address, ulong arenaSize, ref THooks hooks)
        where THooks : struct, IHeapHooks
    {
        if (index >= (uint)arenas.Length) return false;
        hooks.Interleave(SharedAccess.ArenaSlotRead);
        ulong arenaBase = Volatile.Read(ref arenas[index].Address); // read once: a racing release may clear it
        return address - arenaBase < arenaSize && arenaBase != 0;
    }
}
