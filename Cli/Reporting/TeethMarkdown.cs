using System.Text;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Commands;
using PymallocVerify.Properties.Teeth;
using PymallocVerify.SeededBugs;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Cli.Reporting;

/// <summary>
/// docs/teeth.md, generated from the seeded-bug catalog (<c>mutants --list --markdown</c>): the table of every bug and
/// the text around it. Cli/Tests/TeethDocTests fails when the file in the repository differs.
/// </summary>
public static class TeethMarkdown
{
    public const string RegenerateCommand = "dotnet run --project Cli -- mutants --list --markdown > docs/teeth.md";

    public static string Render(IReadOnlyList<IVerificationFamily> families)
    {
        var heap = SeededBugCatalog.All.OfType<HeapBug>().ToList();
        var races = SeededBugCatalog.All.OfType<ConcurrencyBug>().ToList();
        var md = new StringBuilder();
        md.Append($"""
            # Teeth: seeded bugs the suite must kill

            <!-- Generated from SeededBugs/SeededBugCatalog.cs; do not edit. Regenerate with
                 {RegenerateCommand}
                 (Cli/Tests/TeethDocTests fails while this file is stale.) -->

            Every check in this project has to be shown to fail on a seeded bug. The bugs live in one catalog,
            `SeededBugCatalog.All` in `SeededBugs/`, one type per bug: the properties (`Properties/Teeth/TeethCatalog.cs`),
            the Coyote harness (`Concurrency/Harness/`), the allocator's own tests, the CLI's hidden `--seeded-bug NAME` and
            `mutants` all read it. `mutants` hunts each bug once, with the first family of `check` (in run order) that runs
            it, and exits 1 if one survives:

            ```bash
            dotnet run --project Cli -- mutants              # {SeededBugCatalog.All.Count} seeded bugs, each must be killed
            dotnet run --project Cli -- mutants --list       # the catalog, without running it
            ```

            | seeded bug | what is broken | carried by | hunted by | killed by |
            |---|---|---|---|---|

            """);
        foreach (SeededBug bug in SeededBugCatalog.All)
            md.Append($"| `{bug.Name}` | {Cell(bug.Description)} | `{bug.Carrier}` | {HuntedBy(families, bug)} | {Cell(bug.KilledBy)} |\n");
        md.Append($"""

            ## Heap bugs ({heap.Count}, the properties)

            Each replaces the production heap's oracle (an oracle bug) or its hooks (an allocator bug, entering through an
            `IHeapHooks` After… hook), so the production code stays untouched. `Properties/Tests/TeethTests.cs` hunts each on
            the `micro` geometry (256-byte pools, 4 pools per 1 KiB arena, threshold 96), where arenas fill and drain in a few
            operations, and requires:
            - a failure from the property family the catalog names;
            - a shrunk counterexample of at most `HeapBug.MaxShrunkLength` operations (8; 14 for `reads-released-arena`, which
              needs an arena filled, spilled, emptied and a pool carved again), with small arguments;
            - the shrunk case still fails on the bug and passes on the real allocator.

            The shrunk cases are kept in the regression corpus (`Properties/Regressions/teeth-*.json`), which every `dotnet test`
            replays. `TeethTests.Teeth_table` writes the measured kills (cases, time, lengths before and after shrinking) to
            `artifacts/teeth-table.md`.

            The bugs killed by Memcheck read only bytes the test owns on real memory, so nothing faults and every answer is
            right; they are hunted on the simulated space with memcheck in the loop (see [memcheck.md](memcheck.md)).

            `radix-last-leaf-not-zeroed` changes no answer either: only the radix tree's leaf rules see it, and they run in every
            `CheckInvariants()` of a radix heap (the oracle's invariants are part of the heap's).
            `TeethTests.Only_the_oracle_invariants_kill_the_radix_leaf_bug` shows the properties pass on it with the invariant
            check off.

            The oracle bugs are also hunted by the bounded exhaustive explorer (`ExhaustiveExplorerTests`, Tiny, simulated
            space, BFS): its counterexamples are shortest, which shows the shrinker reaches true minima.
            `ExhaustiveExplorerTests.Explorer_teeth_table` writes `artifacts/explorer-teeth-table.md`.

            ## Races ({races.Count}, Coyote)

            Each race is a `ConcurrencyBug` record whose overrides are its whole behaviour: the harness's hooks (`CoyoteHooks`),
            lock (`CoyoteLock`) and memory (`ControlledMemory`) call into it. `Concurrency/Tests/ConcurrencyTeethTests.cs` runs
            each under all three strategies (300 iterations), saves the counterexample, replays it (it must be reproduced) and
            replays it with the bug removed (it must be reported stale). Measurements: [concurrency.md](concurrency.md).

            | seeded race | scenario that exposes it | oracle |
            |---|---|---|

            """);
        foreach (ConcurrencyBug race in races)
            md.Append($"| `{race.Name}` | {race.Scenario} | {(race.Oracle is { } o ? o.ToString() : "either")} |\n");
        md.Append("""

            ## Adding a seeded bug

            1. Write its type in `SeededBugs/`: an `IOwnershipOracle` struct (`Oracles/`), an `IHeapHooks` struct (`Hooks/`), or a
               `ConcurrencyBug` record (`Races/`) overriding the harness calls it needs.
            2. Add one entry to `SeededBugCatalog.All`: its name, what is broken, and the check that must kill it.
            3. Regenerate this page (command at the top).
            4. `dotnet test`: `TeethTests` (heap bugs) or `ConcurrencyTeethTests` (races) must kill it; `mutants --bug NAME`
               shows the kill end to end, with the command that replays the counterexample.

            """);
        AppendEquivalentMutants(md, EquivalentMutants.Find(PymallocVerify.Properties.ArtifactPaths.RepositoryRoot()));
        return md.ToString();
    }

    /// <summary>The mutation gate's survivors that no test can kill, from the Stryker comments in the sources.</summary>
    public static void AppendEquivalentMutants(StringBuilder md, IReadOnlyList<EquivalentMutant> mutants)
    {
        md.Append($"""

            ## Equivalent mutants (Stryker.NET)

            The seeded bugs above are chosen by hand; Stryker.NET also mutates every file of {string.Join(" and ", EquivalentMutants.MutatedProjects.Select(p => $"`{p}/`"))}
            and the mutation gate (`.ci/mutation`, [ci.md](ci.md)) fails when the unit tests kill too few. A mutant that changes no
            behaviour cannot be killed; each is marked where it lives, `// Stryker disable once Mutator : reason`, so Stryker
            leaves it out of the score, and listed here from those comments ({mutants.Count}). A comment covers every mutant of
            the named mutators in the statement below it, not only the equivalent one, so keep the statement small:


            """);
        if (mutants.Count == 0)
        {
            md.Append("None is marked.\n");
            return;
        }
        md.Append("| file | code | mutator | why no test can kill it |\n|---|---|---|---|\n");
        foreach (EquivalentMutant m in mutants)
            md.Append($"| `{m.File}` | `{Cell(m.Code).Replace("`", "'", StringComparison.Ordinal)}` | {m.Mutator} | {Cell(m.Reason)} |\n");
    }

    private static string HuntedBy(IReadOnlyList<IVerificationFamily> families, SeededBug bug)
    {
        string family = MutantsCommand.HuntingFamily(families, bug)?.Name ?? "-";
        return bug switch
        {
            HeapBug h when TeethCatalog.Find(h.Name) is var tooth =>
                $"{family} ({tooth.Geometry.Name}, {(tooth.Simulated is null ? "real memory" : "simulated space")})",
            ConcurrencyBug c => $"{family} ({c.Scenario})",
            _ => family,
        };
    }

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
