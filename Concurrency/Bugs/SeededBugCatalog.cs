using PymallocVerify.Concurrency.Scripts;

namespace PymallocVerify.Concurrency.Bugs;

/// <summary>A seeded bug and the scenario that must expose it.</summary>
public sealed record SeededBugCase(SeededBug Bug, string Description, ConcurrencyScenario Scenario)
{
    /// <summary>The scenario with the bug seeded.</summary>
    public ConcurrencyScenario Seeded => Scenario.WithBug(Bug);

    public override string ToString() => $"{Bug} ({Scenario.Name}): {Description}";
}

/// <summary>The concurrency teeth: every bug here must be caught within the default budget.</summary>
public static class SeededBugCatalog
{
    public static IReadOnlyList<SeededBugCase> Cases { get; } =
    [
        new(SeededBug.TableReclaimedWhileRead,
            "the arena table grown in place: the old table a reader still holds is reclaimed (poisoned)",
            ScenarioCatalog.GrowWhileReading),
        new(SeededBug.TablePublishedBeforeFilled,
            "the grown table published before its slots' bases are written",
            ScenarioCatalog.GrowWhileReading),
        new(SeededBug.ArenaReturnedBeforeUnpublished,
            "an arena's memory returned before its slot is unpublished",
            ScenarioCatalog.ReleaseWhileReading),
        new(SeededBug.MutationSkipsLock,
            "Free skips the mutation lock",
            ScenarioCatalog.RacingMutations),
        new(SeededBug.RadixNodeLinkedBeforeFilled,
            "a radix leaf chunk linked into the tree before it is zeroed (tail_hi = -1 until the memset lands)",
            ScenarioCatalog.RadixFirstArena),
    ];

    public static SeededBugCase For(SeededBug bug) =>
        Cases.FirstOrDefault(c => c.Bug == bug)
        ?? throw new ArgumentException($"no catalogued scenario for {bug}; catalogued: {string.Join(", ", Cases.Select(c => c.Bug))}");
}
