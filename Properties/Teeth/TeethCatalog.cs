using PymallocVerify.Allocator;
using PymallocVerify.Model;
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
            new HeapVariant(name, description, TOracle.Kind, (g, m) => new HeapDriver<TOracle, NoHooks>(g, m)),
            PropertyGeometries.Micro, killedBy);

    private static Tooth Hooks<THooks>(string name, string description, PropertyFamily killedBy)
        where THooks : struct, IHeapHooks =>
        new(name, description,
            new HeapVariant(name, description, OracleKind.PoolIndex, (g, m) => new HeapDriver<PoolIndexOracle, THooks>(g, m)),
            PropertyGeometries.Micro, killedBy);

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
    ];

    public static Tooth Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown seeded bug '{name}'; known: {string.Join(", ", All.Select(t => t.Name))}");
}
