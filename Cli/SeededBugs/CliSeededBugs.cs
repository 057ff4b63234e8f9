namespace PymallocVerify.Cli.SeededBugs;

/// <summary>
/// The CLI's own small catalog of deliberately broken variants, selectable only through the hidden
/// <c>--seeded-bug NAME</c> option. They exist so the CLI can prove end to end that a broken allocator makes
/// <c>check</c> exit 1 with a counterexample whose printed <c>replay</c> command reproduces it, and so
/// <c>mutants</c> has teeth even before the properties' catalog is wired in. Never used without that option.
/// </summary>
public static class CliSeededBugs
{
    /// <summary>address_in_range without the range test: any live slot index claims the pointer.</summary>
    public const string OracleIgnoresArenaBase = "oracle-ignores-arena-base";

    /// <summary>address_in_range without the bound check: an out-of-range index reads past the arena table.</summary>
    public const string OracleNoBoundCheck = "oracle-no-bound-check";

    /// <summary>A freshly carved pool's header keeps garbage where its arena index belongs.</summary>
    public const string PoolIndexNotWritten = "pool-index-not-written";

    public static IReadOnlyDictionary<string, string> Descriptions { get; } = new Dictionary<string, string>
    {
        [OracleIgnoresArenaBase] = "classic oracle accepts any live slot index, skipping (p - base) < ARENA_SIZE",
        [OracleNoBoundCheck] = "classic oracle indexes the arena table without checking the index against maxarenas",
        [PoolIndexNotWritten] = "a carved pool's header is left with a garbage arena index",
    };

    public static IReadOnlyList<string> Names { get; } = Descriptions.Keys.ToList();
}
