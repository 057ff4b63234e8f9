using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Properties.Backend;

namespace PymallocVerify.Properties.CPython;

/// <summary>
/// The placement policies a CPython case runs with: those of <see cref="PlacementPolicy.Adversarial"/> that real memory
/// can give (no arena below one arena size or near 2^64), weighted towards the ordinary placements.
/// </summary>
public static class CPythonLayouts
{
    public static ImmutableArray<ArenaPlacement> ArenaChoices { get; } =
    [
        ArenaPlacement.PageAligned, ArenaPlacement.PageAligned, ArenaPlacement.Unaligned, ArenaPlacement.PoolAligned,
        ArenaPlacement.ArenaAligned, ArenaPlacement.DirectlyAfterArena, ArenaPlacement.ReleasedArenaAddress,
    ];

    public static ImmutableArray<ForeignPlacement> ForeignChoices { get; } =
    [
        ForeignPlacement.Heap, ForeignPlacement.Heap, ForeignPlacement.Heap, ForeignPlacement.DirectlyBeforeArena,
        ForeignPlacement.DirectlyAfterArena, ForeignPlacement.InReleasedArena,
    ];

    /// <summary>The adversarial real-memory layout with placement seed <paramref name="seed"/>.</summary>
    public static SimulatedLayout Adversarial(ulong seed) => new(seed, ArenaChoices, ForeignChoices);

    /// <summary>Case <paramref name="caseIndex"/>'s layout: a placement policy for <paramref name="percent"/>% of cases, else null.</summary>
    public static SimulatedLayout? ForCase(ulong campaignSeed, int caseIndex, int percent)
    {
        var random = new SplitMix64(campaignSeed * 0x9E37_79B9 ^ (ulong)caseIndex);
        ulong pick = random.Next();
        return pick % 100 < (ulong)percent ? Adversarial(random.Next()) : null;
    }
}
