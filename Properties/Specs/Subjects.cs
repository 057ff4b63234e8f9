using PymallocVerify.Allocator;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Specs;

// The subjects the properties run on. Churn percentages: small geometries fill and drain arenas within a short
// program by themselves; large ones need the churn prelude to return an arena at all.

/// <summary>The production heap with the classic oracle on CPython 3.8–3.9's geometry.</summary>
public sealed class OnClassic : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("classic", Geometry.Classic, HeapVariant.RealPoolIndex, ChurnPercent: 15);
}

/// <summary>The production heap with the classic oracle on 3.10+'s geometry (the page rule waived: see PropertyGeometries.ForOracle).</summary>
public sealed class OnModern : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("modern", Geometry.Modern, HeapVariant.RealPoolIndex, ChurnPercent: 40);
}

/// <summary>The production heap with the radix tree on 3.10+'s geometry: CPython 3.11's configuration.</summary>
public sealed class OnModernRadix : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("modern-radix", Geometry.Modern, HeapVariant.RealRadixTree, ChurnPercent: 25);
}

/// <summary>Tiny: four 256-byte pools per 1 KiB arena, so arenas open and close every few operations.</summary>
public sealed class OnTiny : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("tiny", Geometry.Tiny, HeapVariant.RealPoolIndex, ChurnPercent: 20);
}

/// <summary>Micro: the seeded-bug hunting ground (<see cref="PropertyGeometries.Micro"/>).</summary>
public sealed class OnMicro : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("micro", PropertyGeometries.Micro, HeapVariant.RealPoolIndex, ChurnPercent: 20);
}

/// <summary>The radix tree on CPython 3.8–3.9's geometry.</summary>
public sealed class OnClassicRadix : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("classic-radix", Geometry.Classic, HeapVariant.RealRadixTree, ChurnPercent: 15);
}

/// <summary>Tiny with the radix tree: every span probe crosses arenas.</summary>
public sealed class OnTinyRadix : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("tiny-radix", Geometry.Tiny, HeapVariant.RealRadixTree, ChurnPercent: 20);
}

/// <summary>Micro with the radix tree.</summary>
public sealed class OnMicroRadix : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("micro-radix", PropertyGeometries.Micro, HeapVariant.RealRadixTree, ChurnPercent: 20);
}

/// <summary>Both oracles on one heap (Classic): they must agree wherever the spec decides.</summary>
public sealed class OnClassicDifferential : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("classic-differential", Geometry.Classic, HeapVariant.Differential, ChurnPercent: 15);
}

/// <summary>Both oracles on one heap (Modern).</summary>
public sealed class OnModernDifferential : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("modern-differential", Geometry.Modern, HeapVariant.Differential, ChurnPercent: 25);
}

/// <summary>Both oracles on one heap (Tiny).</summary>
public sealed class OnTinyDifferential : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("tiny-differential", Geometry.Tiny, HeapVariant.Differential, ChurnPercent: 20);
}

/// <summary>Both oracles on one heap (Micro).</summary>
public sealed class OnMicroDifferential : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("micro-differential", PropertyGeometries.Micro, HeapVariant.Differential, ChurnPercent: 20);
}

// On the simulated space: adversarial placement (arenas and foreign blocks anywhere, up to 2^64), memcheck in the loop.

/// <summary>Classic oracle, Classic geometry, simulated space.</summary>
public sealed class OnClassicSimulated : IPropertySubject
{
    public static PropertySubject Subject { get; } = Simulated("classic-simulated", Geometry.Classic, HeapVariant.RealPoolIndex, 15);

    internal static PropertySubject Simulated(string name, Geometry g, HeapVariant variant, int churn) =>
        new(name, g, variant, churn, SimulatedLayout.Adversarial(g, seed: 1));
}

/// <summary>Classic oracle, Tiny geometry, simulated space.</summary>
public sealed class OnTinySimulated : IPropertySubject
{
    public static PropertySubject Subject { get; } = OnClassicSimulated.Simulated("tiny-simulated", Geometry.Tiny, HeapVariant.RealPoolIndex, 20);
}

/// <summary>
/// Tiny on the simulated space where every new arena goes where an arena was released, when one was: the model and
/// the heap must not confuse the new arena with the old one (the native backend never reuses an address).
/// </summary>
public sealed class OnTinySimulatedReuse : IPropertySubject
{
    public static PropertySubject Subject { get; } = new("tiny-simulated-reuse", Geometry.Tiny, HeapVariant.RealPoolIndex, ChurnPercent: 40,
        Simulated: SimulatedLayout.Adversarial(Geometry.Tiny, seed: 1) with
        {
            Arenas = [Allocator.Simulated.ArenaPlacement.ReleasedArenaAddress, Allocator.Simulated.ArenaPlacement.ReleasedArenaAddress,
                      Allocator.Simulated.ArenaPlacement.Unaligned],
        });
}

/// <summary>Classic oracle, Micro geometry, simulated space.</summary>
public sealed class OnMicroSimulated : IPropertySubject
{
    public static PropertySubject Subject { get; } = OnClassicSimulated.Simulated("micro-simulated", PropertyGeometries.Micro, HeapVariant.RealPoolIndex, 20);
}

/// <summary>The radix tree on Micro, simulated space: it must make no pool-memory read at all.</summary>
public sealed class OnMicroSimulatedRadix : IPropertySubject
{
    public static PropertySubject Subject { get; } = OnClassicSimulated.Simulated("micro-simulated-radix", PropertyGeometries.Micro, HeapVariant.RealRadixTree, 20);
}

/// <summary>The radix tree on Modern, simulated space (CPython 3.11's configuration).</summary>
public sealed class OnModernSimulatedRadix : IPropertySubject
{
    public static PropertySubject Subject { get; } = OnClassicSimulated.Simulated("modern-simulated-radix", Geometry.Modern, HeapVariant.RealRadixTree, 25);
}

/// <summary>Both oracles on Micro, simulated space.</summary>
public sealed class OnMicroSimulatedDifferential : IPropertySubject
{
    public static PropertySubject Subject { get; } = OnClassicSimulated.Simulated("micro-simulated-differential", PropertyGeometries.Micro, HeapVariant.Differential, 20);
}
