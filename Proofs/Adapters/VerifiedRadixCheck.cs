using System.Globalization;
using System.Runtime.CompilerServices;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.Proofs;

/// <summary>
/// A radix-tree oracle checked against Radix.dfy on every question: a <see cref="VerifiedArenaMap"/> is told of the same
/// arenas in the same order, and its proved <c>IsUsed</c> must give the production answer (hints and all). For the port's
/// own <see cref="RadixTreeOracle"/> the leaf of the address's span (<see cref="ArenaMap.CoverageOf"/>, the walk) must
/// also be the one the proved <c>SetCoverage</c> wrote. The heap gets the production answer; a difference throws
/// <see cref="VerifiedDisagreementException"/>. For single-threaded heaps (the property runner): the verified map is
/// not safe for lock-free readers, and concurrency is not in the proofs' model.
/// </summary>
public struct VerifiedRadixCheck<TRadix> : IOwnershipOracle where TRadix : struct, IOwnershipOracle
{
    private TRadix _production;
    private VerifiedArenaMap? _verified;
    private AgreementCount? _count;

    public static OracleKind Kind => TRadix.Kind;

    /// <summary>Answers compared so far.</summary>
    public readonly long Decisions => _count?.Value ?? 0;

    /// <summary>The verified map this oracle keeps in step with the production one.</summary>
    public readonly VerifiedArenaMap Verified =>
        _verified ?? throw new InvalidOperationException("not initialised: the heap's constructor calls Initialize");

    public void Initialize(Geometry geometry)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        _production = default;
        _production.Initialize(geometry);
        _verified = new VerifiedArenaMap((ulong)geometry.ArenaSize);
        _count = new AgreementCount();
    }

    public void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        _production.OnArenaAdded(arenaBase, ref hooks);
        Verified.Mark(arenaBase);
    }

    public void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks
    {
        _production.OnArenaRemoved(arenaBase, ref hooks);
        Verified.Unmark(arenaBase);
    }

    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) => _production.CheckInvariants(arenas, arenaSize);

    public bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks
    {
        bool answer = _production.IsOwned(ref memory, ref hooks, arenas, address);
        bool verified = Verified.IsUsed(address);
        _count!.Value++;
        if (verified != answer)
            throw new VerifiedDisagreementException(string.Create(CultureInfo.InvariantCulture,
                $"radix oracle vs Proofs/Dafny/Radix.dfy at p = 0x{address:x}: {typeof(TRadix).Name} answered " +
                $"{Lower(answer)}, the verified IsUsed {Lower(verified)} (leaf {Verified.LeafOf(address)}; live arenas " +
                $"{string.Join(", ", Verified.LiveArenas.Select(b => $"0x{b:x}"))})"));
        if (typeof(TRadix) == typeof(RadixTreeOracle))
        {
            ArenaCoverage leaf = Unsafe.As<TRadix, RadixTreeOracle>(ref _production).Map.CoverageOf(address);
            if ((leaf.TailHi, leaf.TailLo) != Verified.LeafOf(address))
                throw new VerifiedDisagreementException(string.Create(CultureInfo.InvariantCulture,
                    $"radix leaf vs Proofs/Dafny/Radix.dfy for the span of 0x{address:x}: the port holds {leaf}, the " +
                    $"verified SetCoverage wrote {Verified.LeafOf(address)}"));
        }
        return answer;
    }

    private static string Lower(bool b) => b ? "true" : "false";
}
