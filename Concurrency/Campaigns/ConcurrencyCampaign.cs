using System.Diagnostics;
using Microsoft.Coyote;
using Microsoft.Coyote.SystematicTesting;
using PymallocVerify.Concurrency.Harness;
using PymallocVerify.Concurrency.Scripts;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Concurrency.Campaigns;

/// <summary>
/// Drives scenarios through Coyote's <see cref="TestingEngine"/>: a run stops at the first failing
/// iteration and returns its counterexample (with the reproducible trace), or passes after the budget.
/// The CLI calls <see cref="RunForBudget"/> (the catalogued scenarios) and <see cref="RunRandomForBudget"/> (generated
/// ones); the xunit project calls <see cref="Run"/> with fixed budgets.
/// </summary>
public static class ConcurrencyCampaign
{
    /// <summary>One Coyote run of <paramref name="scenario"/>.</summary>
    /// <param name="stop">Ends the run after the iteration in progress (the result then counts fewer iterations).</param>
    public static ConcurrencyCampaignResult Run(ConcurrencyScenario scenario, ExplorationStrategy strategy, int iterations, uint seed,
                                                CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        scenario.Validate();
        if (iterations < 1) throw new ArgumentException($"iterations must be at least 1; got {iterations}", nameof(iterations));

        int iterationsRun = 0;
        IterationOutcome? failure = null;
        var interleavings = new SortedDictionary<string, long>(StringComparer.Ordinal);
        void Count(IterationOutcome outcome)
        {
            foreach (string cell in outcome.Interleavings) interleavings[cell] = interleavings.GetValueOrDefault(cell) + 1;
        }
        void Test()
        {
            iterationsRun++;
            IterationRunner.RunAsCoyoteTest(scenario, outcome => failure = outcome, Count);
        }

        var configuration = Configuration.Create()
            .WithTestingIterations((uint)iterations)
            .WithRandomGeneratorSeed(seed)
            .Apply(strategy);
        var clock = Stopwatch.StartNew();
        var (bugs, trace, coyoteReport) = Execute(configuration, Test, stop);
        clock.Stop();

        ConcurrencyCounterexample? counterexample = null;
        if (bugs > 0)
        {
            counterexample = new ConcurrencyCounterexample
            {
                Scenario = scenario,
                Strategy = strategy,
                Seed = seed,
                Iteration = iterationsRun,
                Failure = failure?.Failure ?? FailureKind.CoyoteReported,
                Summary = failure?.Summary ?? coyoteReport,
                History = failure is null ? [] : HistoryPrinter.Lines(failure.History),
                Explanation = failure?.Explanation ?? "",
                CoyoteTrace = trace,
            };
        }
        return new ConcurrencyCampaignResult(scenario, strategy, seed, iterationsRun, clock.Elapsed, counterexample)
        {
            Interleavings = interleavings,
        };
    }

    /// <summary>
    /// Runs every scenario under every strategy, round after round with fresh seeds, until
    /// <paramref name="budget"/> is spent or a run fails; failures are saved to <paramref name="counterexampleDirectory"/>.
    /// </summary>
    public static IReadOnlyList<ConcurrencyCampaignResult> RunForBudget(
        IReadOnlyList<ConcurrencyScenario> scenarios, TimeSpan budget, uint seed,
        int iterationsPerRun = 200, string? counterexampleDirectory = null, Action<ConcurrencyCampaignResult>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(scenarios);
        if (scenarios.Count == 0) throw new ArgumentException("no scenarios to run", nameof(scenarios));
        IEnumerable<(ConcurrencyScenario, ExplorationStrategy, uint)> Plan()
        {
            for (uint round = 0; ; round++)
                foreach (var scenario in scenarios)
                    foreach (var strategy in ExplorationStrategies.All)
                        yield return (scenario, strategy, unchecked(seed + round));
        }
        return RunPlan(Plan(), Stopwatch.StartNew(), budget, int.MaxValue, iterationsPerRun, counterexampleDirectory, progress);
    }

    /// <summary>
    /// Runs seeded random scenarios (<see cref="RandomScenarios.Generate(ulong, ConcurrencyBug)"/> for seeds
    /// <paramref name="seed"/>, <paramref name="seed"/> + 1, …), each under the next strategy in turn, until
    /// <paramref name="budget"/> is spent, <paramref name="maxScenarios"/> have run, or one fails; failures are saved
    /// to <paramref name="counterexampleDirectory"/> (the file holds the generated scripts, so it replays without
    /// the generator). With <paramref name="bug"/> seeded, shows what random scripts catch.
    /// </summary>
    public static IReadOnlyList<ConcurrencyCampaignResult> RunRandomForBudget(
        TimeSpan budget, uint seed, int iterationsPerScenario = 50, ConcurrencyBug? bug = null,
        int maxScenarios = int.MaxValue, string? counterexampleDirectory = null, Action<ConcurrencyCampaignResult>? progress = null)
    {
        if (maxScenarios < 1) throw new ArgumentException($"maxScenarios must be at least 1; got {maxScenarios}", nameof(maxScenarios));
        IEnumerable<(ConcurrencyScenario, ExplorationStrategy, uint)> Plan()
        {
            for (uint i = 0; ; i++)
            {
                uint scenarioSeed = unchecked(seed + i);
                yield return (RandomScenarios.Generate(scenarioSeed, bug), ExplorationStrategies.All[(int)(i % (uint)ExplorationStrategies.All.Count)], scenarioSeed);
            }
        }
        return RunPlan(Plan(), Stopwatch.StartNew(), budget, maxScenarios, iterationsPerScenario, counterexampleDirectory, progress);
    }

    private static List<ConcurrencyCampaignResult> RunPlan(
        IEnumerable<(ConcurrencyScenario Scenario, ExplorationStrategy Strategy, uint Seed)> plan, Stopwatch clock, TimeSpan budget,
        int maxRuns, int iterationsPerRun, string? counterexampleDirectory, Action<ConcurrencyCampaignResult>? progress)
    {
        if (iterationsPerRun < 1) throw new ArgumentException($"iterations per run must be at least 1; got {iterationsPerRun}", nameof(iterationsPerRun));
        var results = new List<ConcurrencyCampaignResult>();
        foreach (var (scenario, strategy, seed) in plan)
        {
            if (clock.Elapsed >= budget || results.Count >= maxRuns) break;
            var result = Run(scenario, strategy, iterationsPerRun, seed);
            results.Add(result);
            progress?.Invoke(result);
            if (result.Counterexample is { } found)
            {
                if (counterexampleDirectory is not null) found.Save(Path.Combine(counterexampleDirectory, FileNameFor(found)));
                break;
            }
        }
        return results;
    }

    /// <summary>A stable file name: scenario, bug, strategy and seed.</summary>
    public static string FileNameFor(ConcurrencyCounterexample counterexample) =>
        $"concurrency-{counterexample.Scenario.Name}-{counterexample.Scenario.Bug?.Name ?? "none"}-{counterexample.Strategy}-{counterexample.Seed}.json".ToLowerInvariant();

    /// <summary>
    /// How long (ms) Coyote's background monitor waits for an iteration to take a step before it reports a "potential
    /// deadlock". Its default, one second, is shorter than a loaded 2-core machine may leave a thread unscheduled, and its
    /// reports are false bugs; a real deadlock of the controlled threads (all of them paused) is reported at once anyway.
    /// </summary>
    public const uint DeadlockTimeoutMilliseconds = 60_000;

    /// <summary>Runs a Coyote engine quietly; returns the number of bugs, the reproducible trace and Coyote's bug text.</summary>
    internal static (int Bugs, string Trace, string Report) Execute(Configuration configuration, Action test,
                                                                   CancellationToken stop = default)
    {
        using var engine = TestingEngine.Create(configuration.WithTelemetryEnabled(false).WithConsoleLoggingEnabled(false)
            .WithDeadlockTimeout(DeadlockTimeoutMilliseconds), test);
        // The engine checks its stop flag between iterations, so a budget or an interrupt ends the run within one.
        using CancellationTokenRegistration registration = stop.Register(engine.Stop);
        if (!stop.IsCancellationRequested) engine.Run();
        var report = engine.TestReport;
        return (report.NumOfFoundBugs, engine.ReproducibleTrace ?? "", string.Join("; ", report.BugReports));
    }
}
