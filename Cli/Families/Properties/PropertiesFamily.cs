using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Options;
using PymallocVerify.Model;
using PymallocVerify.Properties;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Teeth;
using CliFailure = PymallocVerify.Cli.Campaign.FailureRecord;
using PropertySettings = PymallocVerify.Properties.CampaignSettings;

namespace PymallocVerify.Cli.Families.Properties;

/// <summary>
/// The model-based properties (Properties/): FsCheck-generated operation sequences checked step by step against
/// the reference model on real memory — ownership under every garbage class, routing of frees, contents,
/// invariants, arenas returned — with the first failure shrunk and saved. One CLI case = one
/// <see cref="PropertyCampaign"/> run of <see cref="CasesPerRun"/> FsCheck cases seeded with the case seed.
/// With a seeded bug from the properties' teeth catalog it hunts that bug on the catalog's geometry (micro).
/// </summary>
public sealed class PropertiesFamily(int casesPerRun = PropertiesFamily.DefaultCasesPerRun) : CaseListFamily
{
    public const string FamilyName = "properties";
    public const int DefaultCasesPerRun = 25;

    public int CasesPerRun => casesPerRun;

    public override string Name => FamilyName;

    public override string Description =>
        $"FsCheck model-based properties: {casesPerRun} generated programs per case, checked against the reference model and shrunk on failure";

    public override IReadOnlyList<SeededBugInfo> SeededBugs { get; } =
        TeethCatalog.All.Select(t => new SeededBugInfo(t.Name, t.Description)).ToList();

    public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection)
    {
        if (FindTooth(selection.SeededBug) is { } tooth)
        {
            // A seeded bug is hunted where the catalog hunts it: on micro, with the oracle it breaks.
            return [new FamilyConfiguration(tooth.Geometry, tooth.Variant.Oracle,
                selection.Oracles.Contains(tooth.Variant.Oracle) ? null
                    : $"seeded bug {tooth.Name} breaks the {OracleNames.Of(tooth.Variant.Oracle)} oracle, which is not selected")];
        }
        var list = new List<FamilyConfiguration>();
        foreach (Geometry geometry in selection.Geometries)
        {
            foreach (OracleKind oracle in selection.Oracles)
            {
                // The recording backend keeps every pool-base read in mapped, test-owned memory, so the properties
                // may run the classic oracle on Modern's pools (the rule it waives is about faulting reads).
                Geometry effective = PropertyGeometries.ForOracle(geometry, oracle);
                string? skip = OracleCatalog.UnavailableReason(oracle);
                if (skip is null)
                {
                    try
                    {
                        effective.Validate(oracle);
                        _ = HeapVariant.Real(oracle);
                    }
                    catch (ArgumentException e) { skip = e.Message; }
                }
                list.Add(new FamilyConfiguration(effective, oracle, skip));
            }
        }
        return list;
    }

    public override Coverage NewCoverage(FamilyConfiguration configuration) => new(
        configuration.Oracle == OracleKind.PoolIndex ? Enum.GetNames<GarbageClass>() : [],
        Enum.GetNames<AddressKind>());

    protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
    {
        Tooth? tooth = FindTooth(context.SeededBug);
        var settings = new PropertySettings
        {
            Geometry = context.Configuration.Geometry,
            Variant = tooth?.Variant ?? HeapVariant.Real(context.Configuration.Oracle),
            Seed = spec.Seed,
            Cases = casesPerRun,
            MaxSize = tooth is null ? 60 : 30,
            ChurnPercent = tooth is null ? 10 : 20,
            CounterexampleDirectory = context.CounterexampleDirectory,
            StopAtFirstFailure = true,
        };
        CampaignResult result = PropertyCampaign.Run(settings, context.Cancellation);
        progress.Advance(result.OperationsChecked);
        Record(result.Coverage, coverage);
        if (result.Failures.FirstOrDefault() is not { } failure) return new CaseOutcome(result.OperationsChecked, null);

        PymallocVerify.Model.FailureRecord f = failure.Failure;
        return new CaseOutcome(result.OperationsChecked, new CliFailure(spec.Index, spec.Seed,
            $"{f.Family} at step {f.Step + 1} of the shrunk program: {f.Message} (expected {f.Expected}; observed {f.Observed})",
            failure.FilePath, failure.ShrunkLength, tooth is null ? null : $"--seeded-bug {tooth.Name}"));
    }

    private static void Record(CoverageTable table, Coverage coverage)
    {
        foreach (GarbageClass c in Enum.GetValues<GarbageClass>())
            if (table.GarbageHits(c) is > 0 and var hits) coverage.CountGarbage(c.ToString(), hits);
        foreach (AddressKind k in Enum.GetValues<AddressKind>())
            if (table.QueriesAt(k) is > 0 and var queries) coverage.CountAddress(k.ToString(), queries);
    }

    private static Tooth? FindTooth(string? name) =>
        name is null ? null : TeethCatalog.All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
}
