using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.SeededBugs;

/// <summary>
/// The heap's oracle and hooks type arguments, chosen at run time and applied to generic code through
/// <see cref="IHeapTypeVisitor{TResult}"/>. <see cref="Real"/> is the one place an <see cref="OracleKind"/> names its
/// oracle struct; a seeded heap bug (<see cref="HeapBug"/>) is a pair with a broken oracle or hooks struct.
/// </summary>
public abstract class HeapTypeArguments
{
    /// <summary>The production heap with <paramref name="oracle"/>: its oracle struct, no hooks.</summary>
    public static HeapTypeArguments Real(OracleKind oracle) => oracle switch
    {
        OracleKind.PoolIndex => Of<PoolIndexOracle, NoHooks>(),
        OracleKind.RadixTree => Of<RadixTreeOracle, NoHooks>(),
        _ => throw new ArgumentException($"unknown oracle {oracle}"),
    };

    public static HeapTypeArguments Of<TOracle, THooks>()
        where TOracle : struct, IOwnershipOracle
        where THooks : struct, IHeapHooks => Bound<TOracle, THooks>.Instance;

    /// <summary>The kind the oracle struct declares (what the geometry must allow).</summary>
    public abstract OracleKind Oracle { get; }

    public abstract Type OracleType { get; }

    public abstract Type HooksType { get; }

    public abstract TResult Apply<TResult>(IHeapTypeVisitor<TResult> visitor);

    public override string ToString() => HooksType == typeof(NoHooks)
        ? TypeNames.Of(OracleType)
        : $"{TypeNames.Of(OracleType)} + {TypeNames.Of(HooksType)}";

    private sealed class Bound<TOracle, THooks> : HeapTypeArguments
        where TOracle : struct, IOwnershipOracle
        where THooks : struct, IHeapHooks
    {
        public static readonly Bound<TOracle, THooks> Instance = new();

        public override OracleKind Oracle => TOracle.Kind;
        public override Type OracleType => typeof(TOracle);
        public override Type HooksType => typeof(THooks);

        public override TResult Apply<TResult>(IHeapTypeVisitor<TResult> visitor) => visitor.Visit<TOracle, THooks>();
    }
}
