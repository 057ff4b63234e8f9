using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.Allocator.Tests;

public class GeometryTests
{
    public static TheoryData<string> PresetNames => new() { "classic", "modern", "tiny" };

    [Theory]
    [MemberData(nameof(PresetNames))]
    public void Every_request_size_maps_to_the_smallest_class_that_fits(string name)
    {
        var g = Geometry.FromName(name);
        for (int n = 1; n <= g.SmallRequestThreshold; n++)
        {
            // Hand rule: the class whose block is the first multiple of the alignment >= n.
            int expected = 0;
            while ((expected + 1) * g.Alignment < n) expected++;
            Assert.Equal(expected, g.SizeClassOf(n));
            Assert.True(g.BlockSize(g.SizeClassOf(n)) >= n);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => g.SizeClassOf(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => g.SizeClassOf(g.SmallRequestThreshold + 1));
    }

    [Theory]
    [InlineData("classic", 1, 0)]
    [InlineData("classic", 16, 0)]
    [InlineData("classic", 17, 1)]
    [InlineData("classic", 512, 31)]
    [InlineData("modern", 48, 2)]
    [InlineData("modern", 49, 3)]
    [InlineData("tiny", 64, 3)]
    public void Size_class_spot_checks(string name, int request, int sizeClass) =>
        Assert.Equal(sizeClass, Geometry.FromName(name).SizeClassOf(request));

    [Theory] // CPython 3.11 live pool headers and _debugmallocstats, as observed (docs/design.md, "Faithful parts")
    [InlineData("modern", 16, 1021)]
    [InlineData("modern", 32, 510)]
    [InlineData("modern", 48, 340)]
    [InlineData("modern", 256, 63)]
    [InlineData("modern", 512, 31)]
    [InlineData("classic", 16, 253)]
    [InlineData("classic", 32, 126)]
    [InlineData("classic", 48, 84)]
    [InlineData("classic", 256, 15)]
    [InlineData("classic", 512, 7)]
    [InlineData("tiny", 16, 13)]
    [InlineData("tiny", 64, 3)]
    public void Blocks_per_pool_match_CPython(string name, int blockSize, int blocks)
    {
        var g = Geometry.FromName(name);
        Assert.Equal(blocks, g.BlocksPerPool(g.SizeClassOf(blockSize)));
    }

    [Fact]
    public void Presets_have_the_documented_shape()
    {
        Assert.Equal((256 * 1024, 4096, 16, 512, 32, 64), Shape(Geometry.Classic));
        Assert.Equal((1024 * 1024, 16384, 16, 512, 32, 64), Shape(Geometry.Modern));
        Assert.Equal((1024, 256, 16, 64, 4, 4), Shape(Geometry.Tiny));
        Assert.Equal(48, Geometry.Modern.PoolOverhead);
        static (int, int, int, int, int, int) Shape(Geometry g) =>
            (g.ArenaSize, g.PoolSize, g.Alignment, g.SmallRequestThreshold, g.NumSizeClasses, g.MaxPoolsInArena);
    }

    [Theory]
    [InlineData(24, 4096, 262144, 512, "alignment must be a power of two")]
    [InlineData(4, 4096, 262144, 512, "alignment must be a power of two")]
    [InlineData(16, 3000, 262144, 512, "pool size must be a power of two")]
    [InlineData(16, 4096, 300000, 512, "arena size must be a power of two")]
    [InlineData(16, 8192, 4096, 512, "larger than arena size")]
    [InlineData(16, 4096, 4096, 512, "at least two pools")]
    [InlineData(16, 4096, 262144, 520, "threshold must satisfy")]
    [InlineData(16, 4096, 262144, 8, "threshold must satisfy")]
    [InlineData(16, 4096, 262144, 40, "not a multiple of the alignment")]
    [InlineData(8, 4096, 262144, 1024, "threshold must satisfy")]
    [InlineData(16, 1024, 262144, 512, "at least two blocks of the largest class")]
    public void Invalid_geometry_is_refused_naming_the_rule(int alignment, int pool, int arena, int threshold, string rule)
    {
        var g = new Geometry { Name = "bad", Alignment = alignment, PoolSize = pool, ArenaSize = arena, SmallRequestThreshold = threshold };
        var e = Assert.Throws<ArgumentException>(() => g.Validate(OracleKind.RadixTree));
        Assert.Contains(rule, e.Message);
        Assert.Contains("'bad'", e.Message);
    }

    [Fact]
    public void Pool_header_oracle_is_refused_with_pools_larger_than_a_page()
    {
        var e = Assert.Throws<ArgumentException>(() => Geometry.Modern.Validate(OracleKind.PoolIndex));
        Assert.Contains("POOL_SIZE <= page size", e.Message);
        Geometry.Modern.Validate(OracleKind.RadixTree);
        (Geometry.Modern with { UnsafeAllowPoolHeaderOracleWithPoolsLargerThanPage = true }).Validate(OracleKind.PoolIndex);
        Assert.Throws<ArgumentException>(() => new PymallocHeap<NativeMemorySpace, PoolIndexOracle, NoHooks>(Geometry.Modern));
    }

    [Fact]
    public void The_arena_maps_address_bits_select_its_layout_and_are_refused_outside_what_the_map_can_key_on()
    {
        using var python310 = new PymallocHeap<NativeMemorySpace, RadixTreeOracle, NoHooks>(Geometry.Modern with { RadixAddressBits = 48 });
        using var python311 = new PymallocHeap<NativeMemorySpace, RadixTreeOracle, NoHooks>(Geometry.Modern);
        Assert.Equal((48, 8_192L), (python310.Oracle.Map.Layout.AddressBits, python310.Oracle.Map.Layout.RootBytes));
        Assert.Equal((64, 262_144L), (python311.Oracle.Map.Layout.AddressBits, python311.Oracle.Map.Layout.RootBytes));
        foreach (int bits in new[] { 65, 22 }) // more than a pointer; fewer than one key bit per level above 20 arena bits
        {
            var e = Assert.Throws<ArgumentException>(() => (Geometry.Modern with { RadixAddressBits = bits }).Validate(OracleKind.RadixTree));
            Assert.Contains("the arena map's address bits", e.Message);
        }
    }

    [Fact]
    public void Unknown_geometry_name_lists_the_presets()
    {
        var e = Assert.Throws<ArgumentException>(() => Geometry.FromName("huge"));
        Assert.Contains("classic, modern, tiny", e.Message);
    }

    [Fact]
    public void A_refused_geometry_names_its_numbers()
    {
        static string Refusal(Geometry g, OracleKind oracle = OracleKind.RadixTree) =>
            Assert.Throws<ArgumentException>(() => g.Validate(oracle)).Message;
        var valid = new Geometry { Name = "g", Alignment = 16, PoolSize = 1024, ArenaSize = 4096, SmallRequestThreshold = 480 };
        Assert.Equal("invalid geometry 'g': pool size must be a power of two (pool base = p & ~(POOL_SIZE-1)); got 0",
            Refusal(valid with { PoolSize = 0 }));
        Assert.Equal("invalid geometry 'g': page size must be a power of two; got 3000", Refusal(valid with { PageSize = 3000 }));
        Assert.Equal("invalid geometry 'g': an arena must hold at least two pools (an unaligned arena loses one); got 1",
            Refusal(valid with { ArenaSize = 1024 }));
        Assert.Equal("invalid geometry 'g': a pool must hold at least two blocks of the largest class (512 bytes) after its " +
                     "48-byte header: pool initialisation threads the second block", Refusal(valid with { SmallRequestThreshold = 512 }));
        Assert.Equal("invalid geometry 'g': the arena map's address bits must be at most 64 and at least ARENA_BITS + 3 " +
                     "(one key bit per level); got 14", Refusal(valid with { RadixAddressBits = 14 }));
        Assert.Equal("invalid geometry 'g': the pool-header oracle needs POOL_SIZE <= page size (8192 > 4096): its read of a " +
                     "foreign pointer's pool base could fall in an unmapped page (bpo-37211); use the radix-tree oracle",
            Refusal(valid with { PoolSize = 8192, ArenaSize = 16384 }, OracleKind.PoolIndex));
        // At each limit: the largest class (480 bytes) fits twice in 1024 - 48 bytes; 12 + 3 address bits key 3 levels.
        valid.Validate(OracleKind.PoolIndex);
        (valid with { RadixAddressBits = 15 }).Validate(OracleKind.RadixTree);
    }

    [Fact]
    public void A_request_outside_the_small_range_is_refused_with_the_range()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => Geometry.Tiny.SizeClassOf(65));
        Assert.StartsWith("a small request is 1..64 bytes", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Geometry.Tiny.SizeClassOf(0));
    }
}
