using PymallocVerify.Allocator;

namespace PymallocVerify.SeededBugs;

/// <summary>
/// A deliberately broken variant of the allocator: every check must be shown to fail on one (docs/teeth.md). Names are
/// unique across <see cref="SeededBugCatalog"/> and are what <c>--seeded-bug</c>, <c>mutants</c>, counterexample files
/// and the tests use.
/// </summary>
public abstract record SeededBug(string Name, string Description)
{
    /// <summary>The type that carries the bug (an oracle, a hooks struct, a race), as the catalog's table prints it.</summary>
    public abstract string Carrier { get; }

    /// <summary>The check that kills it, as the catalog's table prints it.</summary>
    public abstract string KilledBy { get; }

    /// <summary>The oracle a run of this bug must use (the one it breaks or whose reads it corrupts); null for any.</summary>
    public abstract OracleKind? RequiredOracle { get; }
}
