using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend.CPython;
using PymallocVerify.Properties.CPython;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

public class CPythonBackendTests(ITestOutputHelper output)
{
    [Fact]
    public void At_least_one_supported_libpython_is_installed()
    {
        IReadOnlyList<LibPythonInstall> all = LibPythonLocator.FindAll();
        foreach (LibPythonInstall install in all)
            output.WriteLine($"{install}{(LibPythonImage.UnsupportedReason(install.Version) is { } why ? $" — not driven: {why}" : "")}");
        Assert.Contains(all, i => CPythonPreset.All.Any(p => p.Version == i.Version));
    }

    [Fact]
    public void Versions_that_keep_pymalloc_state_in_the_interpreter_are_refused_with_the_reason()
    {
        Assert.Contains("3.12+", LibPythonImage.UnsupportedReason("3.12"));
        Assert.NotNull(LibPythonImage.UnsupportedReason("3.13"));
        Assert.Null(LibPythonImage.UnsupportedReason("3.8"));
        Assert.Null(LibPythonImage.UnsupportedReason("3.11"));
        Assert.Equal("3.11", LibPythonLocator.VersionOf("/usr/lib/x86_64-linux-gnu/libpython3.11.so.1.0"));
        Assert.Equal("3.7", LibPythonLocator.VersionOf("libpython3.7m.so"));
        Assert.Null(LibPythonLocator.VersionOf("libpython3.so"));
    }

    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void A_fresh_allocator_places_its_first_block_in_the_first_arena_and_reports_its_banner(string version)
    {
        CPythonPreset preset = CPythonPreset.FromVersion(version);
        ulong pool = (ulong)preset.Geometry.PoolSize;
        for (int round = 0; round < 3; round++)
        {
            using var region = new PlacementRegion(preset.Geometry, [0], layout: null);
            using var python = new LibPythonSide(CPythonTestSupport.Require(version), region);
            Assert.StartsWith(version + ".", python.Image.Banner);
            Assert.Equal(0, python.AllocatedBlocks());

            ulong first = python.Malloc(16);
            ImmutableArray<SystemEvent> events = region.TakeEvents();
            // The reservation's two pools of slack, then a pool-aligned arena whose first block follows the 48-byte header.
            Assert.Equal(region.Base + 2 * pool + 48, first);
            Assert.Equal([new ArenaObtained(region.Base + 2 * pool, (ulong)preset.Geometry.ArenaSize)], events.ToArray<SystemEvent>());
            Assert.Equal(16, python.MaxArenas);
            Assert.Equal(region.Base + 2 * pool, python.SlotAddress(0));
            Assert.Equal(1, python.AllocatedBlocks());
            output.WriteLine($"round {round}: {python.Image.Banner.Split('\n')[0]}; restore #{python.Image.Restores}");
        }
    }

    [Fact]
    public void Twin_regions_sit_alike_under_both_arena_map_layouts_so_their_node_counts_agree()
    {
        // 3.10's bottom nodes span 256 MiB, 3.11's 16 GiB: regions at different offsets from such a boundary would put one
        // arena under different numbers of nodes, and the twins' statistics would differ in the arena-map section.
        var regions = Enumerable.Range(0, 3).Select(_ => new PlacementRegion(Geometry.Modern, [0], layout: null)).ToList();
        try
        {
            foreach (PlacementRegion region in regions)
            {
                Assert.Equal(0UL, region.Base % (1UL << 28));
                Assert.Equal(region.Base >> 34, (region.End + (1UL << 20) - 1) >> 34); // one arena past the end included
            }
        }
        finally
        {
            foreach (PlacementRegion region in regions) region.Dispose();
        }
    }

    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void Two_copies_of_one_library_in_use_at_once_keep_separate_allocators(string version)
    {
        // Parallel tests hold two images of one version at once: each copy must call back into its own system.
        CPythonPreset preset = CPythonPreset.FromVersion(version);
        using var regionA = new PlacementRegion(preset.Geometry, [0], layout: null);
        using var regionB = new PlacementRegion(preset.Geometry, [0], layout: null);
        using var a = new LibPythonSide(CPythonTestSupport.Require(version), regionA);
        using var b = new LibPythonSide(CPythonTestSupport.Require(version), regionB);
        Assert.NotSame(a.Image, b.Image);
        ulong inA = a.Malloc(16), inB = b.Malloc(16), large = b.Malloc(1000);
        b.Free(large);
        Assert.Equal(inA - regionA.Base, inB - regionB.Base);
        Assert.Single(regionA.TakeEvents());
        Assert.Equal(3, regionB.TakeEvents().Length); // its arena, the raw malloc and the raw free
        Assert.True(b.Decide(inB));
        Assert.False(b.Decide(inA)); // a's block is in an arena b never had
        Assert.Equal((1, 1), (a.AllocatedBlocks(), b.AllocatedBlocks()));
        Assert.Null(a.TakeFault() ?? b.TakeFault());
    }

    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void The_probe_answers_through_the_raw_callbacks_and_changes_nothing(string version)
    {
        CPythonPreset preset = CPythonPreset.FromVersion(version);
        using var region = new PlacementRegion(preset.Geometry, [0], layout: null);
        using var python = new LibPythonSide(CPythonTestSupport.Require(version), region);
        ulong small = python.Malloc(100), large = python.Malloc(2000), foreign = region.ForeignAlloc(64);
        region.TakeEvents();
        long blocks = python.AllocatedBlocks();
        for (int i = 0; i < 3; i++)
        {
            Assert.True(python.Decide(small));
            Assert.False(python.Decide(large));
            Assert.False(python.Decide(foreign));
        }
        Assert.Null(python.TakeFault());
        Assert.Empty(region.TakeEvents());
        Assert.Equal(blocks, python.AllocatedBlocks());

        // The real decisions: pymalloc keeps its own block, the system block and the foreign one reach the raw free.
        python.Free(small);
        python.Free(large);
        python.Free(foreign);
        SystemEvent[] events = [.. region.TakeEvents()];
        SystemEvent[] frees = [new SystemFreeCalled(large), new SystemFreeCalled(foreign)];
        // The arena is now wholly free: 3.8 returns it at once, 3.9+ keeps it (the last usable arena).
        SystemEvent[] expected = preset.MaxFreeArenasKept == 0
            ? [new ArenaReturned(region.Base + 2 * (ulong)preset.Geometry.PoolSize), .. frees]
            : frees;
        Assert.Equal(expected, events);
        Assert.Equal(blocks - 3, python.AllocatedBlocks());
    }

    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void Pymallocs_own_bookkeeping_is_told_apart_from_client_blocks(string version)
    {
        CPythonPreset preset = CPythonPreset.FromVersion(version);
        using var region = new PlacementRegion(preset.Geometry, [0], layout: null);
        using var python = new LibPythonSide(CPythonTestSupport.Require(version), region);
        ulong small = python.Calloc(2, 8);
        // The arenas vector (a raw realloc from NULL), and on 3.10+ two radix nodes (raw callocs), are not client calls.
        Assert.Equal(preset.RadixAddressBits is null ? 1 : 3, python.System.BookkeepingCalls);
        Assert.Equal([new ArenaObtained(region.Base + 2 * (ulong)preset.Geometry.PoolSize, (ulong)preset.Geometry.ArenaSize)],
            region.TakeEvents().ToArray<SystemEvent>());
        ulong block = python.Calloc(4, 300);
        Assert.NotEqual(0UL, block);
        Assert.Equal([new SystemCallocCalled(block, 4, 300)], region.TakeEvents().ToArray<SystemEvent>());
        Assert.Equal(2, python.AllocatedBlocks());
        python.Free(small);
        python.Free(block);
        Assert.Null(python.TakeFault());
    }
}
