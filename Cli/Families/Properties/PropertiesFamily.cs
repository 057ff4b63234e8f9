using PymallocVerify.Allocator;
using PymallocVerify.Properties;
using PymallocVerify.Properties.Backend;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Families.Properties;

/// <summary>
/// The model-based properties on real memory: ownership under every garbage class, routing of frees and reallocs,
/// contents, invariants (the heap's and the oracle's) after every step, every arena returned. Runs every selected
/// geometry × oracle; the classic oracle also on Modern, because the recording backend keeps every pool-base read in
/// mapped, test-owned memory (the page rule it waives is about faulting reads, which cannot happen there).
/// </summary>
public sealed class PropertiesFamily(int casesPerRun = PropertiesFamily.DefaultCasesPerRun) : PropertyCampaignFamily(casesPerRun)
{
    public const string FamilyName = "properties";
    public const int DefaultCasesPerRun = 25;

    public override string Name => FamilyName;

    public override string Description =>
        $"FsCheck model-based properties on real memory: {CasesPerRun} generated programs per case, shrunk on failure";

    protected override bool Hunts(HeapBug bug) => !bug.OnlyMemcheckSees;

    protected override Geometry ForOracle(Geometry geometry, OracleKind oracle) => PropertyGeometries.ForOracle(geometry, oracle);

    protected override SimulatedLayout? Layout(Geometry geometry, ulong caseSeed) => null;
}
