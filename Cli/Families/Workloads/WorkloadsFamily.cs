using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Model;
using PymallocVerify.Properties;
using PymallocVerify.Properties.Generation;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Shrinking;
using PymallocVerify.Properties.Teeth;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Families.Workloads;

/// <summary>
/// Long workloads on real memory (<see cref="WorkloadGenerator"/>): case k runs shape k mod 3 (mixed, churn, fill) for
/// <see cref="StepsPerCase"/> operations drawn from the case seed — over a thousand live blocks across many arenas — through
/// the properties' <see cref="CaseRunner"/>, so every step is checked against the model and <c>CheckInvariants()</c>
/// (the heap's and the oracle's) runs after each one. A failure is shrunk and saved like a property failure.
/// </summary>
public sealed class WorkloadsFamily(int stepsPerCase = WorkloadsFamily.DefaultStepsPerCase) : CaseListFamily
{
    public const string FamilyName = "workloads";
    public const int DefaultStepsPerCase = 3000;

    /// <summary>How long shrinking a failure may take at most (a workload is long; its failing prefix usually is not).</summary>
    private static readonly TimeSpan ShrinkBudget = TimeSpan.FromSeconds(30);

    /// <summary>A shrink gets what is left of the slice (at most <see cref="ShrinkBudget"/>, at least this).</summary>
    private static readonly TimeSpan MinimumShrink = TimeSpan.FromSeconds(1);

    public int StepsPerCase => stepsPerCase;

    public override string Name => FamilyName;

    public override string Description =>
        $"{stepsPerCase}-operation workloads (mixed, churn, fill in turn) on real memory, every step checked against the model";

    /// <summary>The shape case <paramref name="caseIndex"/> runs.</summary>
    public static WorkloadShape ShapeOf(long caseIndex) => Enum.GetValues<WorkloadShape>()[(int)(caseIndex % 3)];

    /// <summary>Heap bugs that show on real memory (those only memcheck sees are memcheck's).</summary>
    public override bool Runs(SeededBug bug) => bug is HeapBug { OnlyMemcheckSees: false };

    public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
        FamilyConfiguration.Cross(selection, selection.Geometries, adapt: PropertyGeometries.ForOracle);

    /// <summary>Aims at the address kinds its queries are built from; garbage classes are counted, not aimed at (the properties aim at them).</summary>
    public override Coverage NewCoverage(FamilyConfiguration configuration) =>
        new([], WorkloadGenerator.AddressKinds.Select(k => k.ToString()));

    protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
    {
        Geometry geometry = context.Configuration.Geometry;
        HeapVariant variant = context.SeededBug is HeapBug bug ? TeethCatalog.VariantOf(bug) : HeapVariant.Real(context.Configuration.Oracle);
        WorkloadShape shape = ShapeOf(spec.Index);
        TestCase workload = WorkloadGenerator.Generate(shape, geometry, spec.Seed, stepsPerCase);
        var runner = new CaseRunner(geometry, variant);
        RunOutcome outcome = runner.Run(workload, stop: context.Stop);
        progress.Advance(outcome.OperationsExecuted);
        coverage.Record(outcome.Coverage);
        if (!outcome.Failed) return new CaseOutcome(outcome.OperationsExecuted, null, Completed: !outcome.Stopped);

        ShrinkResult shrunk = CaseShrinker.Shrink(workload, outcome, c => runner.Run(c), budget: context.Remaining > MinimumShrink && context.Remaining < ShrinkBudget ? context.Remaining : context.Remaining <= MinimumShrink ? MinimumShrink : ShrinkBudget, cancellation: context.Clock.Interruption);
        string note = $"workload {shape.ToString().ToLowerInvariant()} of {stepsPerCase} operations from seed 0x{spec.Seed:x16}; " +
                      $"shrunk from step {outcome.Failure!.Step + 1}";
        Counterexample file = PropertyCampaign.ToCounterexample(runner, shrunk.Case, shrunk.Outcome, replaySeed: null, note);
        string path = context.CounterexamplePath(Name, spec);
        CounterexampleFile.Write(path, file);
        FailureRecord f = shrunk.Outcome.Failure!;
        return new CaseOutcome(outcome.OperationsExecuted, new StreamFailure(spec.Index, spec.Seed,
            $"{shape.ToString().ToLowerInvariant()} workload, {f.Family} at step {f.Step + 1} of the shrunk program: {f.Message}",
            path, shrunk.Case.Length, context.SeededBugReplayOption));
    }
}
