using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;

namespace PymallocVerify.Properties.Heaps;

/// <summary>
/// An allocator to put under the properties: the real one (per oracle) or a seeded bug from the teeth catalog.
/// <see cref="Create"/> builds a fresh heap over the given recording backend.
/// </summary>
public sealed record HeapVariant(string Name, string Description, OracleKind Oracle, Func<Geometry, RecordingMemory, IHeapDriver> Create)
{
    public const string RealName = "real";

    public bool IsReal => Name.StartsWith(RealName, StringComparison.Ordinal);

    /// <summary>The production heap with the classic pool-header oracle.</summary>
    public static HeapVariant RealPoolIndex { get; } = new(RealName, "the production allocator, classic address_in_range",
        OracleKind.PoolIndex, (g, m) => new HeapDriver<PoolIndexOracle, NoHooks>(g, m));

    /// <summary>The production heap with <paramref name="oracle"/>; throws <see cref="ArgumentException"/> for an oracle not built yet.</summary>
    public static HeapVariant Real(OracleKind oracle) => oracle switch
    {
        OracleKind.PoolIndex => RealPoolIndex,
        _ => throw new ArgumentException($"the {oracle} oracle is not available in this build of the properties"),
    };

    /// <summary>The model's semantics for this variant's oracle: the arena map must own all of a live arena.</summary>
    public bool UnspecifiedMustBeOwned => Oracle == OracleKind.RadixTree;
}
