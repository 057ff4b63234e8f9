using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Properties.Backend.CPython;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Properties.CPython;

/// <summary>
/// The port a differential run compares with libpython: the faithful one (the version's preset), or a seeded port bug
/// the differential must catch within a few operations.
/// </summary>
public sealed record PortVariant(string Name, string Description, Func<CPythonPreset, PlacementRegion, IAllocatorSide> Create)
{
    public const string FaithfulName = "port";

    /// <summary>The port with the version's preset.</summary>
    public static PortVariant Faithful { get; } = new(FaithfulName, "the port configured with the version's preset",
        (preset, region) => preset.Oracle == OracleKind.PoolIndex
            ? new PortSide<PoolIndexOracle>(preset, region)
            : new PortSide<RadixTreeOracle>(preset, region));

    /// <summary>Seeded: small requests are served from the next size class, so from a different pool.</summary>
    public static PortVariant NextSizeClass { get; } = new(SeededBugCatalog.PortNextSizeClass.Name, SeededBugCatalog.PortNextSizeClass.Description,
        (preset, region) => preset.Oracle == OracleKind.PoolIndex
            ? new NextSizeClassPortSide<PoolIndexOracle>(preset, region)
            : new NextSizeClassPortSide<RadixTreeOracle>(preset, region));

    /// <summary>
    /// Seeded: the other version family's arena release policy. On 3.8 the port keeps the last usable arena that CPython
    /// returns; on 3.9+ it returns the arena CPython keeps.
    /// </summary>
    public static PortVariant OtherReleasePolicy { get; } = new(SeededBugCatalog.PortOtherReleasePolicy.Name, SeededBugCatalog.PortOtherReleasePolicy.Description,
        (preset, region) =>
        {
            ArenaReleasePolicy other = preset.ArenaRelease == ArenaReleasePolicy.KeepLastUsable
                ? ArenaReleasePolicy.ReleaseEveryFreeArena
                : ArenaReleasePolicy.KeepLastUsable;
            return preset.Oracle == OracleKind.PoolIndex
                ? new PortSide<PoolIndexOracle>(preset, region, other)
                : new PortSide<RadixTreeOracle>(preset, region, other);
        });

    /// <summary>
    /// Seeded: the other radix-tree version's arena-map layout (3.10 with 3.11's 64 address bits, 3.11 with 3.10's 48).
    /// Every address a case asks about is below 2^48, where the two agree: only the node sizes in the statistics differ.
    /// On the pool-header versions there is no arena map, and the port is the faithful one.
    /// </summary>
    public static PortVariant OtherRadixLayout { get; } = new(SeededBugCatalog.PortOtherRadixLayout.Name, SeededBugCatalog.PortOtherRadixLayout.Description,
        (preset, region) =>
        {
            if (preset.Oracle == OracleKind.PoolIndex) return new PortSide<PoolIndexOracle>(preset, region);
            int other = preset.Geometry.RadixAddressBits == ArenaMapLayout.FullAddressBits
                ? ArenaMapLayout.Python310AddressBits
                : ArenaMapLayout.FullAddressBits;
            return new PortSide<RadixTreeOracle>(preset with { Geometry = preset.Geometry with { RadixAddressBits = other } }, region);
        });

    public static IReadOnlyList<PortVariant> SeededBugs { get; } = [NextSizeClass, OtherReleasePolicy, OtherRadixLayout];

    public bool IsSeededBug => Name != FaithfulName;

    /// <summary>The faithful port or a seeded bug by name; <see cref="ArgumentException"/> listing the names otherwise.</summary>
    public static PortVariant FromName(string name) =>
        name == FaithfulName ? Faithful
        : SeededBugs.FirstOrDefault(v => v.Name == name)
          ?? throw new ArgumentException($"unknown port variant '{name}'; expected {FaithfulName} or one of: {string.Join(", ", SeededBugs.Select(v => v.Name))}");

    private sealed class NextSizeClassPortSide<TOracle>(CPythonPreset preset, PlacementRegion region)
        : PortSide<TOracle>(preset, region) where TOracle : struct, IOwnershipOracle
    {
        private readonly ulong _alignment = (ulong)preset.Geometry.Alignment;
        private readonly ulong _threshold = (ulong)preset.Geometry.SmallRequestThreshold;

        public override ulong Malloc(ulong size) =>
            base.Malloc(size >= 1 && size + _alignment <= _threshold ? size + _alignment : size);
    }
}
