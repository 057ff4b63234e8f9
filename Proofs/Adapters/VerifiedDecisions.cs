using System.Numerics;
using PymallocVerify.Allocator;
using ClassicProof = ClassicOwnership.__default;
using GeometryProof = OwnershipGeometry.__default;

namespace PymallocVerify.Proofs;

/// <summary>
/// The decision procedures proved in <c>Proofs/Dafny</c>, compiled by Dafny into <c>Generated/Ownership.cs</c>, behind
/// the production types. Each call checks the precondition the proof assumed; the compiled code does not.
/// </summary>
public static class VerifiedDecisions
{
    /// <summary>The table's bases (<c>ArenaObject.Address</c> per slot) as the proof's <c>Table</c>.</summary>
    public static Dafny.ISequence<ulong> Table(ArenaObject[] arenas)
    {
        ArgumentNullException.ThrowIfNull(arenas);
        var bases = new ulong[arenas.Length];
        for (int i = 0; i < bases.Length; i++) bases[i] = arenas[i].Address;
        return Dafny.Sequence<ulong>.FromArray(bases);
    }

    /// <summary>Classic.dfy <c>Decide</c>: the classic test's answer once index <paramref name="index"/> is read.</summary>
    public static bool ClassicDecide(uint index, Dafny.ISequence<ulong> table, ulong address, ulong arenaSize) =>
        ClassicProof.Decide(index, table, address, arenaSize);

    /// <summary>Classic.dfy <c>PoolBase</c>: where the classic test reads (plus <see cref="PoolHeader.ArenaIndex"/>).</summary>
    public static ulong PoolBase(ulong address, ulong poolSize)
    {
        ArgumentOutOfRangeException.ThrowIfZero(poolSize);
        return ClassicProof.PoolBase(address, poolSize);
    }

    /// <summary>Geometry.dfy <c>Accepted</c>: the model of <see cref="Geometry.Validate"/> the lemmas quantify over.</summary>
    public static bool Accepted(Geometry geometry, OracleKind oracle)
    {
        ArgumentNullException.ThrowIfNull(geometry);
        var g = OwnershipGeometry.Geometry.create(geometry.Alignment, geometry.PoolSize, geometry.ArenaSize,
            geometry.SmallRequestThreshold, geometry.PageSize, geometry.UnsafeAllowPoolHeaderOracleWithPoolsLargerThanPage);
        var o = oracle == OracleKind.PoolIndex ? OwnershipGeometry.Oracle.create_PoolIndex() : OwnershipGeometry.Oracle.create_RadixTree();
        return GeometryProof.Accepted(g, o);
    }

    /// <summary>
    /// Which lemma of docs/ownership.md decides <paramref name="address"/> when the read returns <paramref name="index"/>:
    /// the case split of Classic.dfy's <c>Theorem_ForeignIsNeverOwned</c>, plus the owned case (Lemma 6).
    /// </summary>
    public static string LemmaFor(uint index, Dafny.ISequence<ulong> table, ulong address, ulong arenaSize)
    {
        ArgumentNullException.ThrowIfNull(table);
        if (index >= (BigInteger)table.Count) return "Lemma 1 (index out of bounds)";
        ulong b = table.Select(index);
        if (b == 0) return "Lemmas 2 and 3 (a slot with base 0)";
        if (address >= b && address - b < arenaSize) return "Lemma 6 (p inside the slot's arena)";
        return address >= b ? "Lemma 4 (p above the slot's arena)" : "Lemma 5 (p below the slot's arena: unsigned wrap-around)";
    }
}
