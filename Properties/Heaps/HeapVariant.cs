using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.SeededBugs;
using PymallocVerify.Proofs;

namespace PymallocVerify.Properties.Heaps;

/// <summary>
/// An allocator to put under the properties: the real one (per oracle), the classic/radix differential pair, or a
/// seeded bug from the teeth catalog. <see cref="Create"/> builds a fresh heap over a memory backend.
/// </summary>
public sealed record HeapVariant(string Name, string Description, OracleKind Oracle, IHeapFactory Factory)
{
    public const string RealName = "real";
    public const string DifferentialName = "differential";

    public bool IsReal => Name.StartsWith(RealName, StringComparison.Ordinal);

    /// <summary>One production variant per oracle (declared first: the properties below read it).</summary>
    private static readonly Dictionary<OracleKind, HeapVariant> RealVariants = Enum.GetValues<OracleKind>().ToDictionary(k => k,
        k => new HeapVariant(RealName, $"the production allocator, {HeapTypeArguments.Real(k)}", k,
            HeapTypeArguments.Real(k).Apply(HeapFactories.Instance)));

    /// <summary>The production heap with the classic pool-header oracle.</summary>
    public static HeapVariant RealPoolIndex { get; } = Real(OracleKind.PoolIndex);

    /// <summary>The production heap with CPython 3.10's arena map (the default for Modern).</summary>
    public static HeapVariant RealRadixTree { get; } = Real(OracleKind.RadixTree);

    /// <summary>
    /// The production heap asking both oracles on every ownership question (the classic answer drives the heap); the
    /// runner checks the radix answer against the model beside the classic one (<see cref="IDifferentialDriver"/>).
    /// Each oracle is also checked against its procedure proved in Proofs/Dafny, compiled (VerifiedClassicCheck,
    /// VerifiedRadixCheck: a disagreement throws, and the step fails).
    /// </summary>
    public static HeapVariant Differential { get; } = new(DifferentialName,
        "the production allocator asking the classic and the radix oracle on every question",
        OracleKind.PoolIndex,
        DifferentialHeapFactory<VerifiedClassicCheck<PoolIndexOracle>, VerifiedRadixCheck<RadixTreeOracle>>.Instance) { IsDifferential = true };

    /// <summary>The production heap with <paramref name="oracle"/> (<see cref="HeapTypeArguments.Real"/> names its oracle struct).</summary>
    public static HeapVariant Real(OracleKind oracle) =>
        RealVariants.TryGetValue(oracle, out HeapVariant? variant) ? variant : throw new ArgumentException($"unknown oracle {oracle}");

    /// <summary>The oracle a geometry runs with by default: the radix tree where pools are larger than a page (Modern).</summary>
    public static OracleKind DefaultOracleFor(Geometry geometry) =>
        geometry.PoolSize > geometry.PageSize ? OracleKind.RadixTree : OracleKind.PoolIndex;

    public IHeapDriver Create<TMemory>(Geometry geometry, TMemory memory, HeapCheckLevel checks) where TMemory : struct, IMemorySpace =>
        Factory.Create(geometry, memory, checks);

    /// <summary>The model's semantics for this variant's oracle: the arena map must own all of a live arena.</summary>
    public bool UnspecifiedMustBeOwned => Oracle == OracleKind.RadixTree;

    /// <summary>Whether the runner checks a radix answer on every question (the radix oracle, or the differential pair).</summary>
    public bool AnswersWithRadix => Oracle == OracleKind.RadixTree || IsDifferential;

    /// <summary>The heap answers with a classic and a radix oracle side by side (its driver is an <see cref="IDifferentialDriver"/>).</summary>
    public bool IsDifferential { get; init; }
}
