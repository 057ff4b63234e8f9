using PymallocVerify.Allocator;
using PymallocVerify.Concurrency.Harness;
using PymallocVerify.Concurrency.Scripts;
using PymallocVerify.SeededBugs;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Concurrency.Bugs;

/// <summary>
/// The concurrency scenarios, each aimed at one part of the publication protocol. All run on the Tiny
/// geometry (1 KiB arenas of four 256-byte pools; three 64-byte blocks per pool, twelve per arena), so a
/// short setup brings the heap to the edge the threads then push it over.
/// </summary>
public static class ScenarioCatalog
{
    /// <summary>
    /// 192 blocks fill all 16 slots of the first arena table; T1's first malloc needs a 17th arena, so the
    /// table grows and is republished while T2 and T3 ask about blocks in the old arenas.
    /// </summary>
    public static ConcurrencyScenario GrowWhileReading { get; } = new()
    {
        Name = "grow-while-reading",
        Setup = ScriptText.Parse("Malloc(64)*192"),
        Threads =
        [
            ScriptText.Parse("Malloc(64); Malloc(48); Free(0); Malloc(16)"),
            ScriptText.Parse("Query(Block(0)); Query(Block(191)); Query(Block(100)+8); Query(Latest(0))"),
            ScriptText.Parse("Query(Block(60)); Query(Arena(16)+48); Query(Block(0)+1024)"),
        ],
    };

    /// <summary>
    /// Three arenas; the setup frees all but block 12 of arena 1 and all but block 24 of arena 2, so T1's
    /// free of block 12 empties arena 1, which (not being the last usable arena) goes back to the system
    /// while T2 and T3 ask about addresses in it.
    /// </summary>
    public static ConcurrencyScenario ReleaseWhileReading { get; } = new()
    {
        Name = "release-while-reading",
        Setup = ScriptText.Parse("Malloc(64)*36; " +
            string.Join("; ", Enumerable.Range(25, 11).Reverse().Select(b => $"FreeBlock({b})")) + "; " +
            string.Join("; ", Enumerable.Range(13, 11).Reverse().Select(b => $"FreeBlock({b})"))),
        Threads =
        [
            ScriptText.Parse("FreeBlock(12); Malloc(64); Malloc(64)"),
            ScriptText.Parse("Query(Block(12)); Query(Block(12)); Query(Block(12)+64); Query(Block(24))"),
            ScriptText.Parse("Query(Block(13)); Query(Arena(1)+300); Query(Block(0))"),
        ],
    };

    /// <summary>
    /// Two threads allocate and free in the same size class and the same pools, with every pool-memory
    /// access a scheduling point: only the mutation lock keeps their free-list updates apart.
    /// </summary>
    public static ConcurrencyScenario RacingMutations { get; } = new()
    {
        Name = "racing-mutations",
        InterleaveMemoryAccesses = true,
        Setup = ScriptText.Parse("Malloc(64)*4"),
        Threads =
        [
            ScriptText.Parse("FreeBlock(0); FreeBlock(1); Malloc(64); Free(0)"),
            ScriptText.Parse("Malloc(64); Malloc(64); FreeBlock(3); Query(Block(0))"),
        ],
    };

    /// <summary>
    /// The radix oracle on an empty heap: T1's first malloc creates the first arena, and with it the tree's nodes
    /// and the leaf chunk for its span, while T2 and T3 ask about addresses in nearby spans that hold no arena
    /// (the gap after the first arena slot, the empty slots after it) and about a foreign block. Those spans'
    /// leaves live in the chunk being created, so a reader sees whatever the chunk holds between its link and
    /// its first write. Absolute addresses, because the arena does not exist yet when the readers may start.
    /// </summary>
    public static ConcurrencyScenario RadixFirstArena { get; } = new()
    {
        Name = "radix-first-arena",
        Oracle = OracleKind.RadixTree,
        Threads =
        [
            ScriptText.Parse("Malloc(64); Malloc(64); Query(Latest(0))"),
            ScriptText.Parse($"Query({Slot(1024)}); Query({Slot(2048 + 512)}); Query({Slot(4096)})"),
            ScriptText.Parse($"ForeignAlloc(32); Query(Foreign(0)); Query({Slot(3072)}); Query({Slot(1024 + 8)})"),
        ],
    };

    /// <summary>An absolute address <paramref name="offset"/> bytes past the first arena slot (see <see cref="IterationArenas"/>).</summary>
    private static string Slot(ulong offset) => $"0x{IterationArenas.RegionBase + offset:x}";

    public static IReadOnlyList<ConcurrencyScenario> All { get; } = [GrowWhileReading, ReleaseWhileReading, RacingMutations, RadixFirstArena];

    /// <summary>The concurrency bugs of the seeded-bug catalog, in catalog order.</summary>
    public static IReadOnlyList<ConcurrencyBug> Bugs { get; } = SeededBugCatalog.All.OfType<ConcurrencyBug>().ToList();

    /// <summary>The catalogued scenario that exposes <paramref name="bug"/>, with the bug seeded.</summary>
    public static ConcurrencyScenario Exposing(ConcurrencyBug bug) => FromName(bug.Scenario).WithBug(bug);

    public static ConcurrencyScenario FromName(string name) =>
        All.FirstOrDefault(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown scenario '{name}'; expected one of: {string.Join(", ", All.Select(s => s.Name))}");
}
