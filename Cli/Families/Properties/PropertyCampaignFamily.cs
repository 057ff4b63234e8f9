using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Model;
using PymallocVerify.Properties;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Teeth;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Families.Properties;

/// <summary>
/// A family that runs <see cref="PropertyCampaign"/> (Properties/): FsCheck-generated programs checked step by step
/// against the reference model, the first failure shrunk and saved. One CLI case = one campaign of
/// <see cref="CasesPerRun"/> generated programs seeded with the case seed. With a heap bug of the seeded-bug catalog it
/// hunts that bug exactly as the teeth tests do (<see cref="Tooth.Hunt"/>: its geometry, its backend).
/// </summary>
public abstract class PropertyCampaignFamily(int casesPerRun) : CaseListFamily
{
    public int CasesPerRun => casesPerRun;

    /// <summary>The heap bugs this family hunts (the properties on real memory, memcheck those only it sees).</summary>
    protected abstract bool Hunts(HeapBug bug);

    /// <summary>The geometry this family runs for an oracle (the properties waive the page rule, memcheck does not).</summary>
    protected abstract Geometry ForOracle(Geometry geometry, OracleKind oracle);

    /// <summary>Null: real memory. Otherwise the simulated space (memcheck in the loop) laid out from the case seed.</summary>
    protected abstract SimulatedLayout? Layout(Geometry geometry, ulong caseSeed);

    public override bool Runs(SeededBug bug) => bug is HeapBug heap && Hunts(heap);

    public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
        // A seeded bug is hunted where the teeth tests hunt it (micro), with the oracle it breaks.
        FamilyConfiguration.Cross(selection, selection.SeededBug is HeapBug ? [PropertyGeometries.Micro] : selection.Geometries,
            adapt: ForOracle);

    public override Coverage NewCoverage(FamilyConfiguration configuration) => new(
        configuration.Oracle == OracleKind.PoolIndex ? Enum.GetNames<GarbageClass>() : [],
        Enum.GetNames<AddressKind>());

    private static readonly TimeSpan MinimumCaseTime = TimeSpan.FromSeconds(1);

    protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
    {
        Tooth? tooth = context.SeededBug is HeapBug bug ? TeethCatalog.Find(bug.Name) : null;
        Geometry geometry = context.Configuration.Geometry;
        PropertyCampaignSettings settings = tooth is not null
            ? tooth.Hunt(spec.Seed, casesPerRun, context.CounterexampleDirectory)
            : new PropertyCampaignSettings
            {
                Geometry = geometry,
                Variant = HeapVariant.Real(context.Configuration.Oracle),
                Seed = spec.Seed,
                Cases = casesPerRun,
                CounterexampleDirectory = context.CounterexampleDirectory,
                StopAtFirstFailure = true,
                Simulated = Layout(geometry, spec.Seed),
            };
        // Without --cases the case draws on the run's budget: its FsCheck runs and its shrink stop when the budget is
        // spent (its shrink gets at least a second), and a case cut short is marked so. With --cases every case runs
        // whole, whatever the machine's speed.
        if (context.MaxCases is null)
        {
            TimeSpan left = context.Remaining > MinimumCaseTime ? context.Remaining : MinimumCaseTime;
            settings = settings with { Budget = left, MaxShrinkTime = settings.MaxShrinkTime < left ? settings.MaxShrinkTime : left };
        }
        PropertyCampaignResult result = PropertyCampaign.Run(settings, context.Stop);
        progress.Advance(result.OperationsChecked);
        coverage.Record(result.Coverage);
        if (result.Failures.FirstOrDefault() is not { } failure) return new CaseOutcome(result.OperationsChecked, null, Completed: !result.Cancelled);

        FailureRecord f = failure.Failure;
        return new CaseOutcome(result.OperationsChecked, new StreamFailure(spec.Index, spec.Seed,
            $"{f.Family} at step {f.Step + 1} of the shrunk program: {f.Message} (expected {f.Expected}; observed {f.Observed})",
            failure.FilePath, failure.ShrunkLength, context.SeededBugReplayOption));
    }
}
