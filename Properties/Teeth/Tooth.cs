using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Properties.Teeth;

/// <summary>
/// A heap bug of the seeded-bug catalog as the properties hunt it: the allocator variant that carries it, the geometry
/// it is hunted on, the backend (real memory, or the simulated space for a bug only memcheck sees).
/// </summary>
public sealed record Tooth(HeapBug Bug, HeapVariant Variant, Geometry Geometry)
{
    public string Name => Bug.Name;

    public string Description => Bug.Description;

    /// <summary>The property family expected to kill it first.</summary>
    public PropertyFamily KilledBy => Bug.KilledByFamily;

    /// <summary>A bug in an ownership oracle (the explorer must find every one), as opposed to one in the allocator.</summary>
    public bool IsOracleBug => Bug.IsOracleBug;

    /// <summary>The longest shrunk counterexample accepted ("a few operations").</summary>
    public int MaxShrunkLength => Bug.MaxShrunkLength;

    /// <summary>Null: hunted on real memory. Otherwise on the simulated space (a bug only memcheck sees).</summary>
    public SimulatedLayout? Simulated { get; init; }

    /// <summary>Campaign settings that hunt this bug (stop at the first failure, shrink it).</summary>
    public PropertyCampaignSettings Hunt(ulong seed, int cases, string? counterexampleDirectory) => new()
    {
        Geometry = Geometry,
        Variant = Variant,
        Seed = seed,
        Cases = cases,
        MaxSize = 30,
        ChurnPercent = 20,
        CounterexampleDirectory = counterexampleDirectory,
        Simulated = Simulated,
    };
}
