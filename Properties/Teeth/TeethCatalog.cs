using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Teeth;

/// <summary>
/// The seeded-bug catalog ("the suite has teeth"): every entry must be killed by the properties. Hunted on the
/// <see cref="PropertyGeometries.Micro"/> geometry, where arenas fill and drain in a few operations, so the shrunk
/// counterexamples are a few operations long.
/// </summary>
public static class TeethCatalog
{
    private static Tooth Oracle<TOracle>(string name, string description, PropertyFamily killedBy)
        where TOracle : struct, IOwnershipOracle =>
        new(name, description,
            new HeapVariant(name, description, TOracle.Kind, HeapFactory<TOracle, NoHooks>.Instance),
            PropertyGeometries.Micro, killedBy) { IsOracleBug = true };

    private static Tooth Hooks<THooks>(string name, string description, PropertyFamily killedBy)
        where THooks : struct, IHeapHooks =>
        new(name, description,
            new HeapVariant(name, description, OracleKind.PoolIndex, HeapFactory<PoolIndexOracle, THooks>.Instance),
            PropertyGeometries.Micro, killedBy);

    /// <summary>Where the memcheck-only bugs are hunted: the simulated space, every placement strategy in the mix.</summary>
    private static SimulatedLayout MemcheckLayout { get; } = SimulatedLayout.Adversarial(PropertyGeometries.Micro, seed: 1);

    public static IReadOnlyList<Tooth> All { get; } =
    [
        Oracle<BrokenPoolIndexOracle<NoBoundCheck>>("no-bound-check",
            "address_in_range without `index < maxarenas` (reads past the arena table)", PropertyFamily.Ownership),
        Oracle<BrokenPoolIndexOracle<NoZeroBaseCheck>>("no-zero-base-check",
            "address_in_range without `arenas[i].address != 0`: an unused slot owns [0, ARENA_SIZE)", PropertyFamily.Ownership),
        Oracle<BrokenPoolIndexOracle<InclusiveBound>>("inclusive-bound",
            "`p - base <= ARENA_SIZE` instead of `<`: the byte after an arena is owned", PropertyFamily.Ownership),
        Oracle<BrokenPoolIndexOracle<SignedSubtraction>>("signed-subtraction",
            "signed `p - base`: addresses below an arena are owned", PropertyFamily.Ownership),
        Oracle<BrokenPoolIndexOracle<NoRangeCheck>>("no-range-check",
            "trusts the index: any live slot makes p owned", PropertyFamily.Ownership),
        Hooks<StaleSlotAfterReleaseHooks>("stale-slot-after-release",
            "releasing an arena leaves its base in the slot", PropertyFamily.Invariants),
        Hooks<ArenaIndexNotWrittenHooks>("arena-index-not-written",
            "carving a pool leaves the arena index as the fresh arena's bytes", PropertyFamily.Invariants),
        Hooks<ArenaIndexOffByOneHooks>("arena-index-off-by-one",
            "carving a pool writes its slot + 1 as the arena index", PropertyFamily.Invariants),
        Oracle<IndexReadTwiceOracle>("index-read-twice",
            "address_in_range reads the index again with an ordinary load (outside the suppression)", PropertyFamily.Memcheck)
            with { Simulated = MemcheckLayout },
        Oracle<PeekingRadixOracle>("radix-peeks-at-pool",
            "the radix oracle also reads the pool header (right answers, foreign reads)", PropertyFamily.Memcheck)
            with { Simulated = MemcheckLayout },
        Hooks<ReadsReleasedArenaHooks>("reads-released-arena",
            "after an arena is returned, carving the next pool reads the released arena", PropertyFamily.Memcheck)
            with { Simulated = MemcheckLayout, MaxShrunkLength = 10 }, // fill an arena, spill, empty it, carve again
    ];

    public static Tooth Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown seeded bug '{name}'; known: {string.Join(", ", All.Select(t => t.Name))}");
}
