using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.SeededBugs;

namespace PymallocVerify.Cli.Families.Smoke;

/// <summary>
/// The allocator smoke family: a random workload on real memory, checking after every step that each block's
/// ownership is answered right (and each foreign region's, under every garbage class at its pool base), that
/// contents survive, and every <c>interval</c> steps that <c>CheckInvariants()</c> holds; at the end every block
/// is freed and the arenas must go back. One case = one workload of <c>steps</c> operations from the case seed.
/// </summary>
public sealed class AllocatorSmokeFamily(int stepsPerCase = AllocatorSmokeFamily.DefaultSteps,
                                         int invariantInterval = AllocatorSmokeFamily.DefaultInvariantInterval)
    : CaseListFamily
{
    public const string FamilyName = "smoke";
    public const int DefaultSteps = 2000;
    public const int DefaultInvariantInterval = 64;

    public override string Name => FamilyName;

    public override string Description =>
        $"random {stepsPerCase}-step workloads on real memory: ownership of every block and of foreign regions " +
        $"under each garbage class, contents, CheckInvariants every {invariantInterval} steps, arenas returned";

    public override IReadOnlyList<SeededBugInfo> SeededBugs { get; } =
        CliSeededBugs.Descriptions.Select(d => new SeededBugInfo(d.Key, d.Value)).ToList();

    public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
        FamilyConfiguration.CrossProduct(selection)
            .Select(c => c.Runnable && SmokeExecutor.SeededBugUnsupportedReason(selection.SeededBug, c.Oracle) is { } why
                ? c with { SkipReason = why }
                : c)
            .ToList();

    public override Coverage NewCoverage(FamilyConfiguration configuration) => SmokeCoverage.New(configuration.Oracle);

    protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
    {
        var script = new SmokeScript(context.Configuration.Geometry, context.Configuration.Oracle, context.Workload,
            spec.Seed, stepsPerCase, context.SeededBug, invariantInterval);
        SmokeRunResult result = SmokeExecutor.Run(script, coverage, progress);
        if (!result.Failed) return new CaseOutcome(result.Operations, null);

        // The shortest prefix that still fails: steps up to and including the failing one (teardown failures keep all).
        int failingPrefix = Math.Min(script.Steps, result.FailedStep!.Value + 1);
        SmokeScript shortened = script with { Steps = failingPrefix, PlannedSteps = script.Steps };
        string path = context.CounterexamplePath(Name, spec);
        SmokeCaseFile.Write(path, shortened, result, context.CampaignSeed, context.Shard, spec.Index);
        return new CaseOutcome(result.Operations,
            new FailureRecord(spec.Index, spec.Seed, result.Describe(), path, failingPrefix,
                context.SeededBug is { } bug ? $"--seeded-bug {bug}" : null));
    }
}
