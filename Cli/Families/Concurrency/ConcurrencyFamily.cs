using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Concurrency.Campaigns;
using PymallocVerify.Concurrency.Scripts;
using PymallocVerify.SeededBugs;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Cli.Families.Concurrency;

/// <summary>
/// The concurrency family (Concurrency/): Coyote explores interleavings of the catalogued scenarios — lock-free
/// ownership queries racing arena-table growth, arena release and each other's mutations — and checks every
/// history for linearizability against the model. One case = one Coyote run of
/// <see cref="IterationsPerCase"/> iterations with a Coyote seed derived from the case seed. Even cases 2j run the
/// catalogued scenarios in turn (scenario j mod s, strategy (j / s) mod 3, arenas aligned or misaligned by 272
/// bytes alternately); odd cases run a seeded random scenario (<see cref="RandomScenarios"/>) from the case seed.
/// With a seeded bug it runs that bug's catalogued scenario under each strategy in turn.
/// </summary>
public sealed class ConcurrencyFamily(int iterationsPerCase = ConcurrencyFamily.DefaultIterationsPerCase) : CaseListFamily
{
    public const string FamilyName = "concurrency";
    public const int DefaultIterationsPerCase = 60;

    /// <summary>Arena offsets the cases alternate between: aligned, and misaligned as the Concurrency tests do.</summary>
    public static IReadOnlyList<ulong> ArenaMisalignments { get; } = [0, 272];

    public int IterationsPerCase => iterationsPerCase;

    public override string Name => FamilyName;

    public override string OperationUnit => "iterations";

    public override string Description =>
        $"Coyote: {iterationsPerCase} iterations per case, alternating the scenarios {string.Join(", ", ScenarioCatalog.All.Select(s => s.Name))} " +
        "with seeded random scenarios; histories checked for linearizability";

    public override bool Runs(SeededBug bug) => bug is ConcurrencyBug;

    /// <summary>The scenarios are written for the tiny geometry (a few pools per arena); other geometries are not run.</summary>
    public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
        FamilyConfiguration.Cross(selection, [Geometry.Tiny], mustBeSelected: true);

    public override Coverage NewCoverage(FamilyConfiguration configuration) => new([], []);

    protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
    {
        ConcurrencyScenario scenario;
        ExplorationStrategy strategy;
        if (context.SeededBug is ConcurrencyBug bug)
        {
            // The scenario written for the bug, on the configuration's oracle (the bug's own, when it needs one).
            scenario = ScenarioCatalog.Exposing(bug) with { Oracle = context.Configuration.Oracle };
            strategy = ExplorationStrategies.All[(int)(spec.Index % ExplorationStrategies.All.Count)];
        }
        else if (spec.Index % 2 == 1)
        {
            // Odd cases: a seeded random scenario (the combinations nobody wrote down), under the next strategy.
            scenario = RandomScenarios.Generate(spec.Seed, context.Configuration.Oracle);
            strategy = ExplorationStrategies.All[(int)(spec.Index / 2 % ExplorationStrategies.All.Count)];
        }
        else
        {
            // Even cases: the catalogued scenarios, each aimed at one race, rotating strategy and arena alignment.
            var scenarios = ScenarioCatalog.All;
            long k = spec.Index / 2;
            scenario = scenarios[(int)(k % scenarios.Count)] with
            {
                Oracle = context.Configuration.Oracle,
                ArenaMisalignment = ArenaMisalignments[(int)(k / (scenarios.Count * ExplorationStrategies.All.Count) % ArenaMisalignments.Count)],
            };
            strategy = ExplorationStrategies.All[(int)(k / scenarios.Count % ExplorationStrategies.All.Count)];
        }

        ConcurrencyCampaignResult result;
        using (new QuietConsole()) result = ConcurrencyCampaign.Run(scenario, strategy, iterationsPerCase, (uint)spec.Seed);
        progress.Advance(result.IterationsRun);
        if (result.Counterexample is not { } found) return new CaseOutcome(result.IterationsRun, null);

        string path = context.CounterexamplePath(Name, spec);
        found.Save(path);
        int length = found.Scenario.Threads.Sum(t => t.Count);
        return new CaseOutcome(result.IterationsRun, new StreamFailure(spec.Index, spec.Seed,
            $"{scenario.Name} under {strategy}, iteration {result.IterationsRun}: {found.Failure}: {found.Summary}", path, length));
    }
}
