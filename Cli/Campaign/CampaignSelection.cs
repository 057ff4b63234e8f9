using PymallocVerify.Allocator;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// What the user asked a campaign to cover. <see cref="SeededBug"/> (hidden <c>--seeded-bug</c>, or <c>mutants</c>)
/// runs the families against a deliberately broken variant from the seeded-bug catalog, to show a failure and its
/// replay end to end.
/// </summary>
public sealed record CampaignSelection(
    IReadOnlyList<Geometry> Geometries,
    IReadOnlyList<OracleKind> Oracles,
    SeededBug? SeededBug = null);
