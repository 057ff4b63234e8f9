using System.Runtime.CompilerServices;
using PymallocVerify.Allocator;

namespace PymallocVerify.Properties.Heaps;

/// <summary>
/// The classic and the radix oracle side by side on one heap: both are told of every arena, both answer every
/// question; the classic answer is returned (it drives free and realloc), the radix answer is kept for the runner.
/// Its kind is the classic one, so the geometry must satisfy the classic oracle's page rule (or waive it).
/// </summary>
public struct DifferentialOracle<TClassic, TRadix> : IOwnershipOracle
    where TClassic : struct, IOwnershipOracle
    where TRadix : struct, IOwnershipOracle
{
    private TClassic _classic;
    private TRadix _radix;
    private StrongBox<bool>? _lastRadix;

    public static OracleKind Kind => OracleKind.PoolIndex;

    /// <summary>The radix oracle's answer to the most recent question.</summary>
    public readonly bool LastRadixAnswer => _lastRadix!.Value;

    public void Initialize(Geometry geometry)
    {
        _classic = default;
        _radix = default;
        _classic.Initialize(geometry);
        _radix.Initialize(geometry);
        _lastRadix = new StrongBox<bool>();
    }

    public void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        _classic.OnArenaAdded(arenaBase, ref hooks);
        _radix.OnArenaAdded(arenaBase, ref hooks);
    }

    public void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        _classic.OnArenaRemoved(arenaBase, ref hooks);
        _radix.OnArenaRemoved(arenaBase, ref hooks);
    }

    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize)
    {
        _classic.CheckInvariants(arenas, arenaSize);
        _radix.CheckInvariants(arenas, arenaSize);
    }

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks
    {
        _lastRadix!.Value = _radix.IsOwned(ref memory, ref hooks, arenas, address);
        return _classic.IsOwned(ref memory, ref hooks, arenas, address);
    }
}

/// <summary>A driver that also reports the radix oracle's answer to the last question.</summary>
public interface IDifferentialDriver
{
    /// <summary>(classic, radix) for <paramref name="address"/>.</summary>
    (bool Classic, bool Radix) IsOwnedByBoth(ulong address);
}

/// <summary>Builds <see cref="DifferentialOracle{TClassic, TRadix}"/> heaps.</summary>
public sealed class DifferentialHeapFactory<TClassic, TRadix> : IHeapFactory
    where TClassic : struct, IOwnershipOracle
    where TRadix : struct, IOwnershipOracle
{
    public static DifferentialHeapFactory<TClassic, TRadix> Instance { get; } = new();

    public IHeapDriver Create<TMemory>(Geometry geometry, TMemory memory, HeapCheckLevel checks) where TMemory : struct, IMemorySpace =>
        new Driver<TMemory>(geometry, memory, checks);

    private sealed class Driver<TMemory>(Geometry geometry, TMemory memory, HeapCheckLevel checks)
        : HeapDriver<TMemory, DifferentialOracle<TClassic, TRadix>, NoHooks>(geometry, memory, checks), IDifferentialDriver
        where TMemory : struct, IMemorySpace
    {
        public (bool Classic, bool Radix) IsOwnedByBoth(ulong address)
        {
            bool classic = Heap.IsOwned(address);
            return (classic, Heap.Oracle.LastRadixAnswer);
        }
    }
}
