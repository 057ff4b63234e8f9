using PymallocVerify.Allocator;
using PymallocVerify.Model;

namespace PymallocVerify.Properties;

/// <summary>The geometries the properties run on, and the translation to the model's plain numbers.</summary>
public static class PropertyGeometries
{
    /// <summary>
    /// Four 256-byte pools per arena (three when the arena is not pool-aligned) and six size classes: one block of
    /// each of four classes fills an arena, so seeded bugs that need a second or a returned arena shrink to a few
    /// steps. (Arenas of two pools would leave an unaligned arena a single pool, where CPython's release test and
    /// its "first free pool" case coincide — a configuration CPython never runs; see docs/properties.md.)
    /// </summary>
    public static Geometry Micro { get; } = new()
    { Name = "micro", Alignment = 16, PoolSize = 256, ArenaSize = 1024, SmallRequestThreshold = 96 };

    public static IReadOnlyList<Geometry> All { get; } = [Geometry.Classic, Geometry.Modern, Geometry.Tiny, Micro];

    /// <summary>Finds a geometry by name (the presets plus <see cref="Micro"/>); <see cref="ArgumentException"/> otherwise.</summary>
    public static Geometry FromName(string name) =>
        All.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown geometry '{name}'; expected one of: {string.Join(", ", All.Select(g => g.Name))}");

    /// <summary>
    /// The geometry to run <paramref name="oracle"/> on. Modern pools (16 KiB) are larger than a page, which the classic
    /// oracle refuses in production (its read of a foreign pointer's pool base could fault — bpo-37211). The properties
    /// may waive that rule: the recording backend confines every pool-base read to mapped, test-owned memory, so the
    /// read cannot fault here, and the decision itself is what is under test.
    /// </summary>
    public static Geometry ForOracle(Geometry geometry, OracleKind oracle) =>
        oracle == OracleKind.PoolIndex && geometry.PoolSize > geometry.PageSize
            ? geometry with { UnsafeAllowPoolHeaderOracleWithPoolsLargerThanPage = true }
            : geometry;

    public static ModelGeometry ToModel(Geometry g) =>
        new(g.Name, g.Alignment, g.PoolSize, g.ArenaSize, g.SmallRequestThreshold);

    /// <summary>The allocator geometry for a model geometry read from a file (a preset's extras when the numbers match one).</summary>
    public static Geometry FromModel(ModelGeometry m)
    {
        m.Validate();
        Geometry? preset = All.FirstOrDefault(g => ToModel(g) == m);
        return preset ?? new Geometry
        {
            Name = m.Name, Alignment = m.Alignment, PoolSize = m.PoolSize, ArenaSize = m.ArenaSize,
            SmallRequestThreshold = m.SmallRequestThreshold,
        };
    }
}
