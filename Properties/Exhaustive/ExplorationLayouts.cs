using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Properties.Backend;

namespace PymallocVerify.Properties.Exhaustive;

/// <summary>
/// The roots of an exploration: one simulated layout per adversarial arrangement, each a fixed placement strategy for
/// arenas and for system ("foreign") blocks, so the explorer covers aligned, unaligned and touching arenas with foreign
/// blocks right after, right before, inside released arenas and at the edges of the address space.
/// </summary>
public static class ExplorationLayouts
{
    public const ulong Seed = 5;

    public static IReadOnlyList<(string Name, SimulatedLayout Layout)> For(Geometry geometry)
    {
        SimulatedLayout Make(ArenaPlacement arena, ForeignPlacement foreign) =>
            new(Seed, [arena], [foreign], geometry.PageSize);
        return
        [
            ("aligned arenas, foreign after", Make(ArenaPlacement.ArenaAligned, ForeignPlacement.DirectlyAfterArena)),
            ("unaligned arenas, foreign before", Make(ArenaPlacement.Unaligned, ForeignPlacement.DirectlyBeforeArena)),
            ("touching arenas, foreign in a released arena", Make(ArenaPlacement.DirectlyAfterArena, ForeignPlacement.InReleasedArena)),
            ("low arenas, foreign near 2^64", Make(ArenaPlacement.BelowArenaSize, ForeignPlacement.NearTop)),
        ];
    }
}
