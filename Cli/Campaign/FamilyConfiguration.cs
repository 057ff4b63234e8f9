using PymallocVerify.Allocator;
using PymallocVerify.Cli.Options;

namespace PymallocVerify.Cli.Campaign;

/// <summary>A geometry and oracle a family runs under; <see cref="SkipReason"/> set when the pair cannot run.</summary>
public sealed record FamilyConfiguration(Geometry Geometry, OracleKind Oracle, string? SkipReason = null)
{
    /// <summary>"geometry/oracle", e.g. <c>classic/radix</c>: part of every case's seed derivation.</summary>
    public string Label => $"{Geometry.Name}/{OracleNames.Of(Oracle)}";

    public bool Runnable => SkipReason is null;

    /// <summary>
    /// Every selected geometry × oracle, each either runnable or skipped with the reason: the oracle is not in
    /// this build, or the geometry refuses that oracle (e.g. the pool-header oracle on pools larger than a page).
    /// </summary>
    public static IReadOnlyList<FamilyConfiguration> CrossProduct(CampaignSelection selection)
    {
        var list = new List<FamilyConfiguration>();
        foreach (Geometry geometry in selection.Geometries)
        {
            foreach (OracleKind oracle in selection.Oracles)
            {
                string? skip = OracleCatalog.UnavailableReason(oracle);
                if (skip is null)
                {
                    try { geometry.Validate(oracle); }
                    catch (ArgumentException e) { skip = e.Message; }
                }
                list.Add(new FamilyConfiguration(geometry, oracle, skip));
            }
        }
        return list;
    }
}
