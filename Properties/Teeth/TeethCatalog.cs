using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Properties.Teeth;

/// <summary>
/// The heap bugs of <see cref="SeededBugCatalog"/> as the properties hunt them ("the suite has teeth"): every entry must
/// be killed. Hunted on the <see cref="PropertyGeometries.Micro"/> geometry, where arenas fill and drain in a few
/// operations, so the shrunk counterexamples are a few operations long; a bug only memcheck sees on the simulated space.
/// </summary>
public static class TeethCatalog
{
    /// <summary>Where the memcheck-only bugs are hunted: the simulated space, every placement strategy in the mix.</summary>
    private static SimulatedLayout MemcheckLayout { get; } = SimulatedLayout.Adversarial(PropertyGeometries.Micro, seed: 1);

    public static IReadOnlyList<Tooth> All { get; } = SeededBugCatalog.All.OfType<HeapBug>().Select(For).ToList();

    /// <summary>The tooth called <paramref name="name"/>; <see cref="ArgumentException"/> listing the names otherwise.</summary>
    public static Tooth Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown seeded bug '{name}'; known: {string.Join(", ", All.Select(t => t.Name))}");

    /// <summary>The variant that carries <paramref name="bug"/>: its heap type arguments, named after it.</summary>
    public static HeapVariant VariantOf(HeapBug bug) =>
        new(bug.Name, bug.Description, bug.Oracle, bug.Heap.Apply(HeapFactories.Instance));

    private static Tooth For(HeapBug bug) =>
        new(bug, VariantOf(bug), PropertyGeometries.Micro) { Simulated = bug.OnlyMemcheckSees ? MemcheckLayout : null };
}
