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
    /// The one configuration loop of the families: each of <paramref name="geometries"/> × each selected oracle (only the
    /// seeded bug's oracle when the bug needs one), each runnable or skipped with the reason — the oracle or geometry is
    /// not selected, or the geometry refuses the oracle (the classic oracle on pools larger than a page).
    /// </summary>
    /// <param name="geometries">Where the family runs: the selected geometries, or a fixed one (tiny, micro).</param>
    /// <param name="mustBeSelected">A fixed geometry runs only if the user selected it.</param>
    /// <param name="adapt">The geometry the family really runs for an oracle (the properties waive the page rule).</param>
    public static IReadOnlyList<FamilyConfiguration> Cross(CampaignSelection selection, IReadOnlyList<Geometry> geometries,
        bool mustBeSelected = false, Func<Geometry, OracleKind, Geometry>? adapt = null)
    {
        OracleKind? needed = selection.SeededBug?.RequiredOracle;
        var list = new List<FamilyConfiguration>();
        foreach (Geometry geometry in geometries)
        {
            foreach (OracleKind oracle in needed is { } n ? [n] : selection.Oracles)
            {
                Geometry effective = adapt?.Invoke(geometry, oracle) ?? geometry;
                string? skip = null;
                if (!selection.Oracles.Contains(oracle))
                    skip = $"seeded bug {selection.SeededBug!.Name} needs the {OracleNames.Of(oracle)} oracle, which is not selected";
                else if (mustBeSelected && !selection.Geometries.Contains(geometry))
                    skip = $"runs on the {geometry.Name} geometry only, which is not selected";
                else
                {
                    try { effective.Validate(oracle); }
                    catch (ArgumentException e) { skip = e.Message; }
                }
                list.Add(new FamilyConfiguration(effective, oracle, skip));
            }
        }
        return list;
    }
}
