using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Properties;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Teeth;

namespace PymallocVerify.Cli.Families.Properties;

/// <summary>
/// The model-based properties on real memory: ownership under every garbage class, routing of frees and reallocs,
/// contents, invariants after every step, every arena returned. Runs every selected geometry × oracle; the classic
/// oracle also on Modern, because the recording backend keeps every pool-base read in mapped, test-owned memory
/// (the page rule it waives is about faulting reads, which cannot happen there).
/// </summary>
public sealed class PropertiesFamily(int casesPerRun = PropertiesFamily.DefaultCasesPerRun) : PropertyCampaignFamily(casesPerRun)
{
    public const string FamilyName = "properties";
    public const int DefaultCasesPerRun = 25;

    public override string Name => FamilyName;

    public override string Description =>
        $"FsCheck model-based properties on real memory: {CasesPerRun} generated programs per case, shrunk on failure";

    protected override bool Hunts(Tooth tooth) => tooth.Simulated is null;

    protected override SimulatedLayout? Layout(Geometry geometry, ulong caseSeed) => null;

    protected override IReadOnlyList<FamilyConfiguration> RealConfigurations(CampaignSelection selection)
    {
        var list = new List<FamilyConfiguration>();
        foreach (Geometry geometry in selection.Geometries)
        {
            foreach (OracleKind oracle in selection.Oracles)
            {
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
}
