using PymallocVerify.Allocator;
using PymallocVerify.Properties.Backend;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Families.Properties;

/// <summary>
/// Memcheck in the loop: the same properties on the simulated address space with shadow memory, arenas and system
/// blocks placed adversarially from the case seed (aligned, unaligned, touching, below one arena size, near 2^64,
/// foreign blocks right before/after arenas and inside released ones). Any read of undefined or unaddressable memory
/// fails unless the one suppression (the classic oracle's index read) covers it — and there every garbage value is
/// tried and must give the same answer. Modern pools with the classic oracle are refused, as in production: that is
/// the configuration whose unmapped reads the properties demonstrate (bpo-37211).
/// </summary>
public sealed class MemcheckFamily(int casesPerRun = MemcheckFamily.DefaultCasesPerRun) : PropertyCampaignFamily(casesPerRun)
{
    public const string FamilyName = "memcheck";
    public const int DefaultCasesPerRun = 10;

    public override string Name => FamilyName;

    public override string Description =>
        $"the properties on the simulated space with memcheck shadow memory and adversarial placement: {CasesPerRun} programs per case";

    protected override bool Hunts(HeapBug bug) => bug.OnlyMemcheckSees;

    protected override Geometry ForOracle(Geometry geometry, OracleKind oracle) => geometry;

    protected override SimulatedLayout? Layout(Geometry geometry, ulong caseSeed) => SimulatedLayout.Adversarial(geometry, caseSeed);
}
