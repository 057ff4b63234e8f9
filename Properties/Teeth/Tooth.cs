using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Teeth;

/// <summary>
/// One seeded bug: its name, what is broken, the allocator variant that carries it, the geometry it is hunted on,
/// and the property family expected to kill it first.
/// </summary>
public sealed record Tooth(string Name, string Description, HeapVariant Variant, Geometry Geometry, PropertyFamily KilledBy)
{
    /// <summary>A bug in an ownership oracle (the explorer must find every one), as opposed to one in the allocator.</summary>
    public bool IsOracleBug { get; init; }

    /// <summary>The longest shrunk counterexample accepted ("a few operations").</summary>
    public int MaxShrunkLength { get; init; } = 8;

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
