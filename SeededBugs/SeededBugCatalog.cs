using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Model;
using PymallocVerify.SeededBugs.Hooks;
using PymallocVerify.SeededBugs.Oracles;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.SeededBugs;

/// <summary>
/// Every seeded bug of the solution, once: the properties (<c>Properties/Teeth/TeethCatalog</c>), the concurrency
/// harness, the CLI's <c>mutants</c> and hidden <c>--seeded-bug</c>, the allocator's own tests and docs/teeth.md all
/// read this list. Each entry is one type carrying the bug's behaviour.
/// </summary>
public static class SeededBugCatalog
{
    // Declared before All, which reads them while the class initialises.
    public static CPythonBug PortNextSizeClass { get; } = new("port-next-size-class",
        "the port serves a small request from the next size class's pool", CPythonBugSide.Port);

    public static CPythonBug PortOtherReleasePolicy { get; } = new("port-other-release-policy",
        "the port keeps a wholly free arena CPython 3.8 returns (or returns the one 3.9+ keeps)", CPythonBugSide.Port);

    public static CPythonBug PortOtherRadixLayout { get; } = new("port-other-radix-layout",
        "the port's arena map keys on 3.11's 64 address bits when configured as 3.10 (or on 3.10's 48 as 3.11)",
        CPythonBugSide.Port, OracleKind.RadixTree);

    public static CPythonBug SpecForeignOwned { get; } = new("spec-foreign-owned",
        "a broken spec that says Owned for addresses inside foreign blocks", CPythonBugSide.Spec);

    public static IReadOnlyList<SeededBug> All { get; } =
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
        Hooks<PoolIndexOracle, StaleSlotAfterReleaseHooks>("stale-slot-after-release",
            "releasing an arena leaves its base in the slot", PropertyFamily.Invariants),
        Hooks<PoolIndexOracle, ArenaIndexNotWrittenHooks>("arena-index-not-written",
            "carving a pool leaves the arena index as the fresh arena's bytes", PropertyFamily.Invariants),
        Hooks<PoolIndexOracle, ArenaIndexOffByOneHooks>("arena-index-off-by-one",
            "carving a pool writes its slot + 1 as the arena index", PropertyFamily.Invariants),
        Hooks<RadixTreeOracle, RadixLastLeafNotZeroedHooks>("radix-last-leaf-not-zeroed",
            "a new radix leaf chunk is cleared one leaf short: every answer stays right, only the tree's leaf rules see it",
            PropertyFamily.Invariants),
        Oracle<RadixMissesArenaStartOracle>("radix-misses-arena-start",
            "the arena map's lookup is off by one at the start of every arena: its first byte is not owned", PropertyFamily.Ownership),
        Oracle<IndexReadTwiceOracle>("index-read-twice",
            "address_in_range reads the index again with an ordinary load (outside the suppression)", PropertyFamily.Memcheck),
        Oracle<PeekingRadixOracle>("radix-peeks-at-pool",
            "the radix oracle also reads the pool header (right answers, foreign reads)", PropertyFamily.Memcheck),
        Hooks<PoolIndexOracle, ReadsReleasedArenaHooks>("reads-released-arena",
            "after an arena is returned, carving the next pool reads the released arena", PropertyFamily.Memcheck)
            with { MaxShrunkLength = 14 }, // fill an arena (up to eight blocks), spill, empty it, carve again: a local minimum of 10-14
        new TableReclaimedWhileRead(),
        new TablePublishedBeforeFilled(),
        new ArenaReturnedBeforeUnpublished(),
        new MutationSkipsLock(),
        new RadixNodeLinkedBeforeFilled(),
        PortNextSizeClass,
        PortOtherReleasePolicy,
        PortOtherRadixLayout,
        SpecForeignOwned,
    ];

    /// <summary>The entry called <paramref name="name"/> (any case), or null.</summary>
    public static SeededBug? Named(string name) =>
        All.FirstOrDefault(b => string.Equals(b.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The entry called <paramref name="name"/>; <see cref="ArgumentException"/> listing the names otherwise.</summary>
    public static SeededBug Find(string name) =>
        Named(name) ?? throw new ArgumentException($"unknown seeded bug '{name}'; known: {string.Join(", ", All.Select(b => b.Name))}");

    private static HeapBug Oracle<TOracle>(string name, string description, PropertyFamily killedBy)
        where TOracle : struct, IOwnershipOracle =>
        new(name, description, HeapTypeArguments.Of<TOracle, NoHooks>(), killedBy);

    private static HeapBug Hooks<TOracle, THooks>(string name, string description, PropertyFamily killedBy)
        where TOracle : struct, IOwnershipOracle
        where THooks : struct, IHeapHooks =>
        new(name, description, HeapTypeArguments.Of<TOracle, THooks>(), killedBy);
}
