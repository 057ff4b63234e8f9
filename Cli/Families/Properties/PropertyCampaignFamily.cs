using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Options;
using PymallocVerify.Model;
using PymallocVerify.Properties;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Teeth;
using CliFailure = PymallocVerify.Cli.Campaign.FailureRecord;
using PropertySettings = PymallocVerify.Properties.PropertyCampaignSettings;

namespace PymallocVerify.Cli.Families.Properties;

/// <summary>
/// A family that runs <see cref="PropertyCampaign"/> (Properties/): FsCheck-generated programs checked step by step
/// against the reference model, the first failure shrunk and saved. One CLI case = one campaign of
/// <see cref="CasesPerRun"/> generated programs seeded with the case seed. With a seeded bug from the teeth catalog
/// it hunts that bug exactly as the catalog does (<see cref="Tooth.Hunt"/>: its geometry, its backend).
/// </summary>
public abstract class PropertyCampaignFamily(int casesPerRun) : CaseListFamily
{
    public int CasesPerRun => casesPerRun;

    /// <summary>The teeth this family hunts (each seeded bug belongs to the family that kills it in the catalog).</summary>
    protected abstract bool Hunts(Tooth tooth);

    /// <summary>The configurations for the real allocator.</summary>
    protected abstract IReadOnlyList<FamilyConfiguration> RealConfigurations(CampaignSelection selection);

    /// <summary>Null: real memory. Otherwise the simulated space (memcheck in the loop) laid out from the case seed.</summary>
    protected abstract SimulatedLayout? Layout(Geometry geometry, ulong caseSeed);

    public override IReadOnlyList<SeededBugInfo> SeededBugs =>
        TeethCatalog.All.Where(Hunts).Select(t => new SeededBugInfo(t.Name, t.Description)).ToList();

    public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection)
    {
        if (FindTooth(selection.SeededBug) is not { } tooth) return RealConfigurations(selection);
        // A seeded bug is hunted where the catalog hunts it (usually micro), with the oracle it breaks.
        return [new FamilyConfiguration(tooth.Geometry, tooth.Variant.Oracle,
            selection.Oracles.Contains(tooth.Variant.Oracle) ? null
                : $"seeded bug {tooth.Name} breaks the {OracleNames.Of(tooth.Variant.Oracle)} oracle, which is not selected")];
    }

    public override Coverage NewCoverage(FamilyConfiguration configuration) => new(
        configuration.Oracle == OracleKind.PoolIndex ? Enum.GetNames<GarbageClass>() : [],
        Enum.GetNames<AddressKind>());

    protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
    {
        Tooth? tooth = FindTooth(context.SeededBug);
        Geometry geometry = context.Configuration.Geometry;
        PropertySettings settings = tooth is not null
            ? tooth.Hunt(spec.Seed, casesPerRun, context.CounterexampleDirectory)
            : new PropertySettings
            {
                Geometry = geometry,
                Variant = HeapVariant.Real(context.Configuration.Oracle),
                Seed = spec.Seed,
                Cases = casesPerRun,
                CounterexampleDirectory = context.CounterexampleDirectory,
                StopAtFirstFailure = true,
                Simulated = Layout(geometry, spec.Seed),
            };
        PropertyCampaignResult result = PropertyCampaign.Run(settings, context.Cancellation);
        progress.Advance(result.OperationsChecked);
        Record(result.Coverage, coverage);
        if (result.Failures.FirstOrDefault() is not { } failure) return new CaseOutcome(result.OperationsChecked, null);

        PymallocVerify.Model.FailureRecord f = failure.Failure;
        return new CaseOutcome(result.OperationsChecked, new CliFailure(spec.Index, spec.Seed,
            $"{f.Family} at step {f.Step + 1} of the shrunk program: {f.Message} (expected {f.Expected}; observed {f.Observed})",
            failure.FilePath, failure.ShrunkLength, tooth is null ? null : $"--seeded-bug {tooth.Name}"));
    }

    internal static void Record(CoverageTable table, Coverage coverage)
    {
        foreach (GarbageClass c in Enum.GetValues<GarbageClass>())
            if (table.GarbageHits(c) is > 0 and var hits) coverage.CountGarbage(c.ToString(), hits);
        foreach (AddressKind k in Enum.GetValues<AddressKind>())
            if (table.QueriesAt(k) is > 0 and var queries) coverage.CountAddress(k.ToString(), queries);
    }

    protected Tooth? FindTooth(string? name) =>
        name is null ? null : TeethCatalog.All.FirstOrDefault(t => Hunts(t) && string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
}
