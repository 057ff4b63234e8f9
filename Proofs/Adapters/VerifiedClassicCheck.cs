using System.Globalization;
using PymallocVerify.Allocator;

namespace PymallocVerify.Proofs;

/// <summary>
/// A classic (pool-header) oracle checked against Classic.dfy's proved <c>Decide</c> and <c>PoolBase</c> on every
/// question. The production oracle answers on the heap's memory, as always; its one index read is captured, and the
/// verified decision on that index, the same table snapshot and the same address must give the same answer, read at
/// the same place. Then the production oracle answers again on a memory that returns each value of every garbage
/// class (every slot, maxarenas, maxarenas + 1, 2^31, 2^32 − 1: Model/Garbage.cs's classes), and each answer must be
/// the verified one. The heap gets the production answer; a difference throws <see cref="VerifiedDisagreementException"/>.
/// For single-threaded heaps (the property runner): concurrency is not in the proofs' model.
/// </summary>
public struct VerifiedClassicCheck<TClassic> : IOwnershipOracle where TClassic : struct, IOwnershipOracle
{
    private static readonly uint[] FarOutOfRange = [0x8000_0000, uint.MaxValue];

    private TClassic _production;
    private ulong _poolSize;
    private ulong _arenaSize;
    private AgreementCount? _count;

    public static OracleKind Kind => TClassic.Kind;

    /// <summary>Decisions compared so far (the heap's question and every garbage value each time).</summary>
    public readonly long Decisions => _count?.Value ?? 0;

    public void Initialize(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        if (TClassic.Kind != OracleKind.PoolIndex)
            throw new ArgumentException($"{typeof(TClassic).Name} is not a pool-header oracle", nameof(geometry));
        _production = default;
        _production.Initialize(geometry);
        _poolSize = (ulong)geometry.PoolSize;
        _arenaSize = (ulong)geometry.ArenaSize;
        _count = new AgreementCount();
    }

    public void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks =>
        _production.OnArenaAdded(arenaBase, ref hooks);

    public void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks =>
        _production.OnArenaRemoved(arenaBase, ref hooks);

    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) => _production.CheckInvariants(arenas, arenaSize);

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks
    {
        var capture = new IndexCapture<TMemory>(memory);
        bool answer;
        try
        {
            answer = _production.IsOwned(ref capture, ref hooks, arenas, address);
        }
        finally
        {
            memory = capture.Inner; // the backend's state (recorded events, shadow memory) goes back to the heap
        }

        Dafny.ISequence<ulong> table = VerifiedDecisions.Table(arenas);
        if (capture.Reads != 1)
            Disagree(address, $"{typeof(TClassic).Name} made {capture.Reads} index reads; the classic test makes one");
        Compare(table, address, capture.Index, capture.ReadAt, answer, "the index it read");

        uint n = (uint)arenas.Length;
        for (uint i = 0; i < n + 2 + FarOutOfRange.Length; i++)
        {
            uint index = i < n + 2 ? i : FarOutOfRange[i - n - 2]; // every slot, then maxarenas and maxarenas + 1, then far out
            var garbage = new FixedIndexMemory(index);
            NoHooks none = default;
            bool again;
            try
            {
                again = _production.IsOwned(ref garbage, ref none, arenas, address);
            }
            catch (Exception e) when (e is not (OutOfMemoryException or VerifiedDisagreementException))
            {
                throw new VerifiedDisagreementException(Describe(table, address, index,
                    $"{typeof(TClassic).Name} threw {e.GetType().Name} ({e.Message})"), e);
            }
            Compare(table, address, index, garbage.ReadAt, again, "garbage");
        }
        return answer;
    }

    private readonly void Compare(Dafny.ISequence<ulong> table, ulong address, uint index, ulong readAt, bool production, string source)
    {
        ulong expectedRead = VerifiedDecisions.PoolBase(address, _poolSize) + PoolHeader.ArenaIndex;
        if (readAt != expectedRead)
            Disagree(address, $"{typeof(TClassic).Name} read the index at 0x{readAt:x}; the proved read is PoolBase(p) + 32 = 0x{expectedRead:x}");
        bool verified = VerifiedDecisions.ClassicDecide(index, table, address, _arenaSize);
        _count!.Value++;
        if (verified != production)
            throw new VerifiedDisagreementException(Describe(table, address, index,
                $"{typeof(TClassic).Name} answered {Lower(production)} ({source}), the verified Decide {Lower(verified)}"));
    }

    private readonly string Describe(Dafny.ISequence<ulong> table, ulong address, uint index, string what) =>
        string.Create(CultureInfo.InvariantCulture,
            $"classic oracle vs Proofs/Dafny/Classic.dfy at p = 0x{address:x}, index {index}, maxarenas {table.Count}: {what}; " +
            $"the case of {VerifiedDecisions.LemmaFor(index, table, address, _arenaSize)}");

    private static void Disagree(ulong address, string what) =>
        throw new VerifiedDisagreementException(string.Create(CultureInfo.InvariantCulture, $"classic oracle at p = 0x{address:x}: {what}"));

    private static string Lower(bool b) => b ? "true" : "false";
}

/// <summary>A count shared by the copies of one oracle struct (the heap holds it by value).</summary>
internal sealed class AgreementCount
{
    public long Value;
}
