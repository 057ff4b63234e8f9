using System.Collections.Concurrent;
using PymallocVerify.Allocator;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Teeth;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// The fixed-budget campaigns the tests share (each runs once per test process): the property tests assert they
/// pass, the coverage tests read their counters, the teeth tests hunt each seeded bug once.
/// </summary>
public static class Campaigns
{
    public const ulong Seed = 20240611;

    private static readonly ConcurrentDictionary<string, Lazy<PropertyCampaignResult>> RealRuns = new();
    private static readonly ConcurrentDictionary<string, Lazy<PropertyCampaignResult>> TeethRuns = new();

    /// <summary>Budgets per geometry: small geometries get many short cases, big ones fewer with more arena churn.</summary>
    public static PropertyCampaignSettings RealSettings(string geometry) => geometry switch
    {
        "classic" => Settings(Geometry.Classic, cases: 60, maxSize: 60, churn: 15),
        "modern" => Settings(Geometry.Modern, cases: 12, maxSize: 60, churn: 25),
        "tiny" => Settings(Geometry.Tiny, cases: 200, maxSize: 40, churn: 20),
        "micro" => Settings(PropertyGeometries.Micro, cases: 300, maxSize: 40, churn: 20),
        _ => throw new ArgumentException($"no campaign for geometry {geometry}"),
    };

    private static PropertyCampaignSettings Settings(Geometry g, int cases, int maxSize, int churn) => new()
    {
        Geometry = g,
        Variant = HeapVariant.RealPoolIndex,
        Seed = Seed,
        Cases = Effort.Scale(cases),
        MaxSize = maxSize,
        ChurnPercent = churn,
    };

    private static readonly ConcurrentDictionary<string, Lazy<PropertyCampaignResult>> OtherRuns = new();

    /// <summary>The radix-tree oracle on real memory (a third of the classic budget: the runner also probes every arena's span).</summary>
    public static PropertyCampaignResult Radix(string geometry) => Once($"radix-{geometry}", () =>
        RealSettings(geometry) with { Variant = HeapVariant.RealRadixTree, Cases = Math.Max(1, RealSettings(geometry).Cases / 3) });

    /// <summary>The classic/radix pair on real memory.</summary>
    public static PropertyCampaignResult Differential(string geometry) => Once($"differential-{geometry}", () =>
        RealSettings(geometry) with { Variant = HeapVariant.Differential, Cases = Math.Max(1, RealSettings(geometry).Cases / 3) });

    /// <summary>A campaign on the simulated space (memcheck in the loop), adversarial placement.</summary>
    public static PropertyCampaignResult Simulated(string geometry, HeapVariant variant, int cases) => Once($"simulated-{geometry}-{variant.Name}-{variant.Oracle}", () =>
    {
        Geometry g = PropertyGeometries.FromName(geometry);
        return RealSettings(geometry) with
        {
            Variant = variant, Cases = Effort.Scale(cases), Simulated = Backend.SimulatedLayout.Adversarial(g, Seed),
        };
    });

    public static PropertyCampaignResult Once(string key, Func<PropertyCampaignSettings> settings) =>
        OtherRuns.GetOrAdd(key, _ => new Lazy<PropertyCampaignResult>(() => PropertyCampaign.Run(settings()))).Value;

    public static PropertyCampaignResult Real(string geometry) =>
        RealRuns.GetOrAdd(geometry, g => new Lazy<PropertyCampaignResult>(() => PropertyCampaign.Run(RealSettings(g)))).Value;

    /// <summary>Hunts a seeded bug: up to 2000 cases (× effort), stopping at the first kill.</summary>
    public static PropertyCampaignResult Hunt(Tooth tooth) =>
        TeethRuns.GetOrAdd(tooth.Name, _ => new Lazy<PropertyCampaignResult>(() =>
            PropertyCampaign.Run(tooth.Hunt(Seed, Effort.Scale(2000), ArtifactPaths.CounterexampleDirectory())))).Value;
}
