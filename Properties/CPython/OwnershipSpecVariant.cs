using PymallocVerify.Model;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Properties.CPython;

/// <summary>
/// The ownership specification every libpython decision is checked against: the model's (<see cref="ModelState.OwnershipOf"/>),
/// or a deliberately broken one that the checks must reject when run against the real allocator.
/// </summary>
public sealed record OwnershipSpecVariant(string Name, string Description, Func<ModelState, ulong, Ownership> Classify)
{
    public static OwnershipSpecVariant Model { get; } = new("model", "the model's three-valued spec", (state, p) => state.OwnershipOf(p));

    /// <summary>Seeded: an address inside a live foreign block counts as Owned.</summary>
    public static OwnershipSpecVariant ForeignIsOwned { get; } = new(SeededBugCatalog.SpecForeignOwned.Name, SeededBugCatalog.SpecForeignOwned.Description,
        (state, p) =>
        {
            foreach (ForeignBlock f in state.Foreign)
                if (p - f.Address < f.Size) return Ownership.Owned;
            return state.OwnershipOf(p);
        });

    public static IReadOnlyList<OwnershipSpecVariant> SeededBugs { get; } = [ForeignIsOwned];
}
