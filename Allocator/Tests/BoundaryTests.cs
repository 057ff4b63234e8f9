using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;

namespace PymallocVerify.Allocator.Tests;

/// <summary>The boundaries mutation testing found unguarded: each test pins one comparison or one step.</summary>
public class BoundaryTests
{
    private readonly ArenaLedger _ledger = new();

    [Fact]
    public void The_arena_table_doubles_past_sixteen_arenas_and_every_block_stays_owned()
    {
        using var heap = TestHeaps.Create(Geometry.Tiny, _ledger);
        var blocks = Enumerable.Range(0, 20 * 52).Select(_ => heap.Malloc(16)).ToList(); // 52 blocks fill a Tiny arena
        Assert.Equal(20, _ledger.Obtained.Count);
        Assert.Equal(32, heap.ArenaTableSnapshot.Length);
        Assert.Equal(0, _ledger.SystemMallocs);
        Assert.All(blocks, b => Assert.True(heap.IsOwned(b)));
        heap.CheckInvariants();
    }

    [Fact]
    public void Dispose_returns_every_live_arena_once()
    {
        var heap = TestHeaps.Create(Geometry.Tiny, _ledger);
        for (int i = 0; i < 3 * 52; i++) heap.Malloc(16);
        heap.Dispose();
        heap.Dispose();
        Assert.Equal(_ledger.Obtained.Order(), _ledger.Released.Order());
    }

    [Fact]
    public void Calloc_one_byte_above_the_threshold_goes_to_the_system()
    {
        using var heap = TestHeaps.Create(Geometry.Classic, _ledger);
        ulong p = heap.Calloc(1, 513), q = heap.Calloc(1, 512);
        Assert.Equal(1, _ledger.SystemMallocs);
        Assert.False(heap.IsOwned(p));
        Assert.True(heap.IsOwned(q));
        heap.Free(p);
        heap.Free(q);
    }

    [Fact]
    public void Realloc_to_exactly_three_quarters_of_the_block_moves()
    {
        using var heap = TestHeaps.Create(Geometry.Classic, _ledger);
        ulong p = heap.Malloc(112);
        Assert.Equal(p, heap.Realloc(p, 85));         // 4·85 > 3·112: stays
        Assert.NotEqual(p, heap.Realloc(p, 84));      // 4·84 = 3·112: moves (CPython's test is strict)
    }

    [Fact]
    public void Requests_beyond_ssize_t_fail_without_reaching_the_system()
    {
        using var heap = TestHeaps.Create(Geometry.Classic, _ledger);
        ulong foreign = heap.Malloc(1000);
        int mallocs = _ledger.SystemMallocs;
        Assert.Equal(0UL, heap.Malloc(ulong.MaxValue));
        Assert.Equal(0UL, heap.Malloc((ulong)long.MaxValue + 1));
        Assert.Equal(0UL, heap.Realloc(foreign, (ulong)long.MaxValue + 1));
        Assert.Equal(0UL, heap.Calloc((ulong)long.MaxValue / 4 + 1, 4));
        Assert.Equal(mallocs, _ledger.SystemMallocs);
        heap.Free(foreign);
    }

    [Fact]
    public void Checked_mode_refuses_a_pointer_into_an_emptied_pool_and_the_next_uncarved_block()
    {
        using var heap = TestHeaps.Create(Geometry.Tiny, _ledger);
        ulong a = heap.Malloc(16), b = heap.Malloc(16), c = heap.Malloc(32);
        heap.Free(a);
        heap.Free(b);                                                   // a's pool is empty now (count 0)
        var e = Assert.Throws<HeapMisuseException>(() => heap.Free(a));
        Assert.Contains("holds no live block", e.Message);
        ulong pool = c & ~255UL;                                        // fresh class-1 pool: nextoffset = 48 + 2·32
        Assert.Equal(48u + 2 * 32, heap.Memory.ReadUInt32(pool + PoolHeader.NextOffset));
        e = Assert.Throws<HeapMisuseException>(() => heap.Free(pool + 48 + 2 * 32)); // the first never-carved block
        Assert.Contains("not the start of a block handed out", e.Message);
        e = Assert.Throws<HeapMisuseException>(() => heap.Free(pool + 48 + 32));   // the carved-ahead (free) block
        Assert.Contains("double free", e.Message);
        heap.Free(c);
        heap.CheckInvariants();
    }

    [Theory]
    [InlineData(16, 256, 1024, 16)]     // threshold == alignment: one size class
    [InlineData(16, 1024, 4096, 480)]   // exactly two blocks of the largest class: (1024 − 48) / 480 = 2
    [InlineData(8, 4096, 8192, 512)]    // 8-byte alignment, 64 classes, two pools per arena
    public void Geometries_at_the_edge_of_every_rule_are_accepted(int alignment, int pool, int arena, int threshold)
    {
        var g = new Geometry { Name = "edge", Alignment = alignment, PoolSize = pool, ArenaSize = arena, SmallRequestThreshold = threshold };
        g.Validate(OracleKind.PoolIndex);
        using var heap = TestHeaps.Create(g, _ledger);
        ulong p = heap.Malloc((ulong)threshold), q = heap.Malloc((ulong)threshold);
        Assert.True(heap.IsOwned(p) && heap.IsOwned(q));
        heap.Free(p);
        heap.Free(q);
        heap.CheckInvariants();
    }

    [Fact]
    public void Requests_of_exactly_ssize_t_max_are_asked_of_the_system()
    {
        using var heap = TestHeaps.Create(Geometry.Classic, _ledger);
        ulong foreign = heap.Malloc(1000);
        int mallocs = _ledger.SystemMallocs;
        // No system allocator has 2^63 - 1 bytes: the native one says so by throwing, after it was asked.
        Assert.Throws<OutOfMemoryException>(() => heap.Malloc(long.MaxValue));
        Assert.Throws<OutOfMemoryException>(() => heap.Calloc(long.MaxValue / 8, 8));
        Assert.Equal(mallocs + 2, _ledger.SystemMallocs);
        Assert.Throws<OutOfMemoryException>(() => heap.Realloc(foreign, long.MaxValue));
        heap.Free(foreign);
    }

    [Fact]
    public void Freeing_null_reaches_neither_the_heap_nor_the_system()
    {
        using var heap = new PymallocHeap<TestArenaMemory, RadixTreeOracle, NoHooks>(
            Geometry.Tiny, new TestArenaMemory(new OffsetArenas(0, _ledger)), checks: HeapCheckLevel.Full);
        heap.Free(0);
        Assert.Equal(0, _ledger.SystemFrees);
    }

    [Fact]
    public void A_heap_needs_a_geometry_and_a_defined_check_level()
    {
        Assert.Throws<ArgumentNullException>(() => new PymallocHeap<NativeMemorySpace, RadixTreeOracle, NoHooks>(null!));
        var e = Assert.Throws<ArgumentOutOfRangeException>(() =>
            new PymallocHeap<NativeMemorySpace, RadixTreeOracle, NoHooks>(Geometry.Tiny, checks: (HeapCheckLevel)7));
        Assert.StartsWith("not a check level", e.Message);
    }
}
