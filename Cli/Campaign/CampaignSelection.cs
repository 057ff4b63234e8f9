using PymallocVerify.Allocator;
using PymallocVerify.Cli.Options;

namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// What the user asked a campaign to cover. <see cref="SeededBug"/> (hidden <c>--seeded-bug</c>) runs the
/// families against a deliberately broken variant, to show a failure and its replay end to end.
/// </summary>
public sealed record CampaignSelection(
    IReadOnlyList<Geometry> Geometries,
    IReadOnlyList<OracleKind> Oracles,
    WorkloadShape Workload = WorkloadShape.Mixed,
    string? SeededBug = null);
