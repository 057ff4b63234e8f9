using PymallocVerify.Allocator;
using PymallocVerify.Model;

namespace PymallocVerify.SeededBugs;

/// <summary>
/// A seeded bug in the sequential heap: <see cref="Heap"/> replaces the oracle (an oracle bug) or the hooks (an
/// allocator bug, entering through an <see cref="IHeapHooks"/> After… hook) of the production heap. The model-based
/// properties must kill it with the check <see cref="KilledByFamily"/>; a <see cref="PropertyFamily.Memcheck"/> bug reads
/// only bytes the test owns on real memory, so it is hunted on the simulated space.
/// </summary>
public sealed record HeapBug(string Name, string Description, HeapTypeArguments Heap, PropertyFamily KilledByFamily)
    : SeededBug(Name, Description)
{
    /// <summary>The longest shrunk counterexample accepted ("a few operations").</summary>
    public int MaxShrunkLength { get; init; } = 8;

    /// <summary>The oracle the bug runs with (what the selection must include).</summary>
    public OracleKind Oracle => Heap.Oracle;

    /// <summary>The oracle itself is broken (the hooks are the production ones).</summary>
    public bool IsOracleBug => Heap.HooksType == typeof(NoHooks);

    /// <summary>Only memcheck in the loop sees it: it must be hunted on the simulated space.</summary>
    public bool OnlyMemcheckSees => KilledByFamily == PropertyFamily.Memcheck;

    public override OracleKind? RequiredOracle => Oracle;

    public override string Carrier => Heap.ToString();

    public override string KilledBy => $"the {KilledByFamily} property";
}
