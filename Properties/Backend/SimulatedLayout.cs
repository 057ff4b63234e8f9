using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Backend;

/// <summary>
/// How the simulated address space places arenas and system ("foreign") blocks for one case: a seed and the
/// strategies to choose from. A case with a layout runs on the simulated space (memcheck in the loop); a case
/// without one runs on real memory.
/// </summary>
public sealed record SimulatedLayout(ulong Seed, ImmutableArray<ArenaPlacement> Arenas, ImmutableArray<ForeignPlacement> Foreign, int PageSize = 4096)
{
    /// <summary>Every strategy of <see cref="PlacementPolicy.Adversarial"/>, including arenas ending exactly at 2^64.</summary>
    public static SimulatedLayout Adversarial(Geometry geometry, ulong seed)
    {
        PlacementPolicy p = PlacementPolicy.Adversarial(geometry, seed);
        return new SimulatedLayout(seed, [.. p.ArenaChoices], [.. p.ForeignChoices], geometry.PageSize);
    }

    public SimulatedLayout WithSeed(ulong seed) => this with { Seed = seed };

    public SimulatedAddressSpace CreateSpace(Geometry geometry) =>
        new(new PlacementPolicy(geometry, Seed) { ArenaChoices = [.. Arenas], ForeignChoices = [.. Foreign] }, PageSize);

    public SimulatedLayoutSpec ToSpec() =>
        new(Seed, [.. Arenas.Select(a => a.ToString())], [.. Foreign.Select(f => f.ToString())], PageSize);

    /// <exception cref="ArgumentException">An unknown placement name.</exception>
    public static SimulatedLayout FromSpec(SimulatedLayoutSpec spec) =>
        new(spec.Seed, [.. (spec.ArenaPlacements.IsDefault ? [] : spec.ArenaPlacements).Select(Parse<ArenaPlacement>)],
            [.. (spec.ForeignPlacements.IsDefault ? [] : spec.ForeignPlacements).Select(Parse<ForeignPlacement>)], spec.PageSize);

    private static T Parse<T>(string name) where T : struct, Enum =>
        Enum.TryParse(name, ignoreCase: true, out T value) && Enum.IsDefined(value)
            ? value
            : throw new ArgumentException($"unknown {typeof(T).Name} '{name}'; expected one of: {string.Join(", ", Enum.GetNames<T>())}");

    public override string ToString() =>
        $"simulated space seed {Seed}, arenas [{string.Join(", ", Arenas)}], foreign [{string.Join(", ", Foreign)}], {PageSize}-byte pages";
}
