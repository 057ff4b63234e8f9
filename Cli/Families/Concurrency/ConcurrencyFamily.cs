using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;
using PymallocVerify.Concurrency.Harness;
using PymallocVerify.Concurrency.Scripts;
using PymallocVerify.SeededBugs;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Cli.Families.Concurrency;

/// <summary>
/// The concurrency family (Concurrency/): Coyote explores interleavings of the catalogued scenarios — lock-free
/// ownership queries racing arena-table growth, arena release and each other's mutations — and checks every
/// history for linearizability against the model. One case = one Coyote run of
/// <see cref="IterationsPerCase"/> iterations with a Coyote seed derived from the case seed. The first s × 3 cases
/// run every catalogued scenario under every strategy once (the cells the summary requires), so a short budget
/// reaches them all before anything else; after that, cases alternate between a seeded random scenario
/// (<see cref="RandomScenarios"/>, the combinations nobody wrote down) and the catalogued cells again, arenas
/// aligned or misaligned by 272 bytes in alternate rounds. With a seeded bug it runs that bug's catalogued scenario
/// under each strategy in turn.
/// </summary>
public sealed class ConcurrencyFamily(int iterationsPerCase = ConcurrencyFamily.DefaultIterationsPerCase) : CaseListFamily
{
    public const string FamilyName = "concurrency";
    /// <summary>30: what <c>AccessInterleavingCoverageTests</c> shows is enough for each catalogued cell to meet every
    /// access interleaving, and short enough that the first 12 cases fit a short budget.</summary>
    public const int DefaultIterationsPerCase = 30;

    /// <summary>Arena offsets the cases alternate between: aligned, and misaligned as the Concurrency tests do.</summary>
    public static IReadOnlyList<ulong> ArenaMisalignments { get; } = [0, 272];

    public int IterationsPerCase => iterationsPerCase;

    public override string Name => FamilyName;

    public override string OperationUnit => "iterations";

    public override string Description =>
        $"Coyote: {iterationsPerCase} iterations per case, alternating the scenarios {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))} " +
        "with seeded random scenarios; histories checked for linearizability";

    public override bool Runs(SeededBug bug) => bug is ConcurrencyBug;

    /// <summary>
    /// Twice a stream's usual share: a Coyote iteration hands control between real threads at every scheduling point, so
    /// it is slow beside the other families' work on the same cores, and a short run must still reach all 12 catalogued
    /// scenario × strategy cells of both oracles.
    /// </summary>
    public override double TimeShare => 2;

    /// <summary>The name of a catalogued scenario under a strategy: the cells a run must reach ("a scenario never run
    /// under PCT" is a gap the summary names).</summary>
    public static string ScenarioCell(ConcurrencyScenario scenario, ExplorationStrategy strategy) => $"{scenario.Name}/{strategy.ToString().ToLowerInvariant()}";

    /// <summary>The scenarios are written for the tiny geometry (a few pools per arena); other geometries are not run.</summary>
    public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
        FamilyConfiguration.Cross(selection, [Geometry.Tiny], mustBeSelected: true);

    public override Coverage NewCoverage(FamilyConfiguration configuration) => new([], [],
        [.. ScenarioCatalog.All.SelectMany(s => ExplorationStrategies.All.Select(strategy => ScenarioCell(s, strategy))),
         .. AccessInterleavingCells.Required(configuration.Oracle)]);

    protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
    {
        ConcurrencyScenario scenario;
        ExplorationStrategy strategy;
        var scenarios = ScenarioCatalog.All;
        long cells = scenarios.Count * ExplorationStrategies.All.Count;
        long afterFirstRound = spec.Index - cells;
        bool catalogued = afterFirstRound < 0 || afterFirstRound % 2 == 0 || context.SeededBug is ConcurrencyBug;
        if (context.SeededBug is ConcurrencyBug bug)
        {
            // The scenario written for the bug, on the configuration's oracle (the bug's own, when it needs one).
            scenario = ScenarioCatalog.Exposing(bug) with { Oracle = context.Configuration.Oracle };
            strategy = ExplorationStrategies.All[(int)(spec.Index % ExplorationStrategies.All.Count)];
        }
        else if (!catalogued)
        {
            // A seeded random scenario, under the next strategy.
            scenario = RandomScenarios.Generate(spec.Seed, context.Configuration.Oracle);
            strategy = ExplorationStrategies.All[(int)(afterFirstRound / 2 % ExplorationStrategies.All.Count)];
        }
        else
        {
            // Catalogued cell k: each scenario aimed at one race, rotating strategy, then arena alignment per round.
            long k = afterFirstRound < 0 ? spec.Index : cells + afterFirstRound / 2;
            scenario = scenarios[(int)(k % scenarios.Count)] with
            {
                Oracle = context.Configuration.Oracle,
                ArenaMisalignment = ArenaMisalignments[(int)(k / cells % ArenaMisalignments.Count)],
            };
            strategy = ExplorationStrategies.All[(int)(k / scenarios.Count % ExplorationStrategies.All.Count)];
        }

        ConcurrencyCampaignResult result;
        using (new QuietConsole()) result = ConcurrencyCampaign.Run(scenario, strategy, iterationsPerCase, (uint)spec.Seed, context.Stop);
        progress.Advance(result.IterationsRun);
        if (catalogued && result.IterationsRun > 0) coverage.CountConcurrencyCell(ScenarioCell(scenario, strategy), result.IterationsRun);
        foreach ((string cell, long iterations) in result.Interleavings) coverage.CountConcurrencyCell(cell, iterations);
        if (result.Counterexample is not { } found)
            return new CaseOutcome(result.IterationsRun, null, Completed: result.IterationsRun >= iterationsPerCase);

        string path = context.CounterexamplePath(Name, spec);
        found.Save(path);
        int length = found.Scenario.Threads.Sum(t => t.Count);
        return new CaseOutcome(result.IterationsRun, new StreamFailure(spec.Index, spec.Seed,
            $"{scenario.Name} under {strategy}, iteration {result.IterationsRun}: {found.Failure}: {found.Summary}", path, length));
    }
}
