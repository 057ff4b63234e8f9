using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.Properties.CPython;

/// <summary>
/// What the port must be configured as to behave like one CPython version's pymalloc (64-bit): geometry, ownership
/// oracle, arena release policy and radix-tree layout.
/// </summary>
/// <param name="Version">Minor version, "3.9".</param>
/// <param name="Geometry">Sizes, and for the radix tree the address bits its map keys on (<see cref="Geometry.RadixAddressBits"/>).</param>
public sealed record CPythonPreset(string Version, Geometry Geometry, OracleKind Oracle, ArenaReleasePolicy ArenaRelease)
{
    /// <summary>3.8: classic geometry and oracle; every wholly free arena is returned at once.</summary>
    public static CPythonPreset Python38 { get; } = new("3.8", Geometry.Classic, OracleKind.PoolIndex, ArenaReleasePolicy.ReleaseEveryFreeArena);

    /// <summary>3.9: as 3.8, but the last usable arena is kept (bpo-37257).</summary>
    public static CPythonPreset Python39 { get; } = new("3.9", Geometry.Classic, OracleKind.PoolIndex, ArenaReleasePolicy.KeepLastUsable);

    /// <summary>3.10: 1 MiB arenas, 16 KiB pools, the radix tree on 48-bit addresses (the top 16 bits ignored).</summary>
    public static CPythonPreset Python310 { get; } = new("3.10",
        Geometry.Modern with { RadixAddressBits = ArenaMapLayout.Python310AddressBits }, OracleKind.RadixTree, ArenaReleasePolicy.KeepLastUsable);

    /// <summary>3.11: as 3.10, the radix tree on all 64 address bits (bpo-45526).</summary>
    public static CPythonPreset Python311 { get; } = new("3.11", Geometry.Modern, OracleKind.RadixTree, ArenaReleasePolicy.KeepLastUsable);

    public static IReadOnlyList<CPythonPreset> All { get; } = [Python38, Python39, Python310, Python311];

    /// <summary>The preset for "3.8" … "3.11"; <see cref="ArgumentException"/> listing them otherwise.</summary>
    public static CPythonPreset FromVersion(string version) =>
        All.FirstOrDefault(p => p.Version == version.Trim())
        ?? throw new ArgumentException($"no preset for CPython '{version}'; expected one of: {string.Join(", ", All.Select(p => p.Version))}");

    /// <summary>Address bits the arena map keys on (3.10: 48; 3.11: 64); null for the pool-header oracle.</summary>
    public int? RadixAddressBits => Oracle == OracleKind.RadixTree ? Geometry.RadixAddressBits : null;

    /// <summary>Whether the model requires "owned" on the unspecified parts of live arenas (the arena map's semantics).</summary>
    public bool UnspecifiedMustBeOwned => Oracle == OracleKind.RadixTree;

    /// <summary>Most wholly free arenas the version keeps once every block is freed.</summary>
    public int MaxFreeArenasKept => ArenaRelease == ArenaReleasePolicy.ReleaseEveryFreeArena ? 0 : 1;

    public override string ToString() =>
        $"CPython {Version} ({Geometry.Name}, {(Oracle == OracleKind.PoolIndex ? "pool-header oracle" : $"radix tree, {RadixAddressBits}-bit addresses")}, " +
        $"{(ArenaRelease == ArenaReleasePolicy.ReleaseEveryFreeArena ? "every free arena returned" : "last usable arena kept")})";
}
