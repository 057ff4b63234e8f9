using PymallocVerify.Model.Linearizability;
using Xunit;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// Each rule of the heap history specification at its edge, one step at a time: what it accepts (and the state it
/// moves to) and the exact reason it gives when it refuses — the reason is what a failing concurrency history prints.
/// </summary>
public class HeapHistorySpecRuleTests
{
    private const ulong Arena = 0x10000;             // arena of 1024 bytes: pools 0x10000, 0x10100, 0x10200, 0x10300
    private const ulong Block = Arena + 0x30;        // [0x10030, 0x10048), Pool
    private const ulong SystemBlock = 0x20000;       // [0x20000, 0x21000), System
    private const ulong Foreign = 0x90000;           // [0x90000, 0x90040), Foreign
    // Built per use, not in a static field: code run by a type initializer is outside every test, which makes Stryker
    // run the whole suite for each of its mutants.
    private static HeapHistorySpec Spec => new(arenaSize: 1024, poolSize: 256);

    /// <summary>One arena with a pool block, a system block and a foreign block.</summary>
    private static HeapSpecState Heap => Spec.Replay(HeapSpecState.Empty,
        [new ArenaMappedEvent(Arena), new MallocCall(24, Block), new MallocCall(4096, SystemBlock), new ForeignAllocCall(64, Foreign)]);

    private static string? Rejection(HeapCall call, HeapSpecState? state = null) => Spec.Step(state ?? Heap, call).Rejection;

    private static HeapSpecState Next(HeapCall call, HeapSpecState? state = null)
    {
        var result = Spec.Step(state ?? Heap, call);
        Assert.True(result.Accepted, result.Rejection);
        return result.Next!;
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "Malloc(16) = 0x10040", "0x10040..0x10050 overlaps live Pool block 0x10030..0x10048" },
        { "Malloc(16) = 0x1fff8", "0x1fff8..0x20008 overlaps live System block 0x20000..0x21000" },
        { "Malloc(16) = 0xfffffffffffffff8", "block 0xfffffffffffffff8 + 16 wraps the address space" },
        { "Malloc(8) = 0xfffffffffffffff8", "block 0xfffffffffffffff8 + 8 wraps the address space" },
        { "Malloc(32) = 0x103f0", "pool block 0x103f0..0x10410 runs past the end of arena 0x10000" },
        { "Malloc(144) = 0xff80", "0xff80..0x10010 straddles live arena 0x10000" },
        { "Calloc(2, 48) = 0xffc0", "0xffc0..0x10020 straddles live arena 0x10000" },
        { "ForeignAlloc(8) = 0x10200", "foreign block 0x10200 lies in live arena 0x10000" },
        { "Realloc(0x10130, 8) = 0", "0x10130 is not a live block" },
        { "Realloc(0x10030, 64) = 0x1fff0", "0x1fff0..0x20030 overlaps live System block 0x20000..0x21000" },
        { "Free(0x10130)", "0x10130 is not a live block" },
        { "Free(0x90000)", "0x90000 is a Foreign block" },
        { "ForeignFree(0x10030)", "0x10030 is a Pool block" },
        { "ForeignFree(0x20000)", "0x20000 is a System block" },
        { "ForeignFree(0)", "0 is not a live block" },
        { "IsOwned(0x10047) = false", "answered false, but 0x10047 is in initialized pool 0x10000 of live arena 0x10000: Owned" },
        { "IsOwned(0x10400) = true", "answered true, but 0x10400 lies in no live arena: NotOwned" },
        { "IsOwned(0xffff) = true", "answered true, but 0xffff lies in no live arena: NotOwned" },
        { "<arena 0 mapped>", "arena base 0 is not a usable address" },
        { "<arena 0xfffffffffffffc00 mapped>", "arena base 0xfffffffffffffc00 is not a usable address" },
        { "<arena 0x10200 mapped>", "overlaps live arena 0x10000" },
        { "<arena 0xfe00 mapped>", "overlaps live arena 0x10000" },
        { "<arena 0x20c00 mapped>", "maps over live System block 0x20000" },
        { "<arena 0x1fc01 mapped>", "maps over live System block 0x20000" },
        { "<arena 0x20000 unmapped>", "not a live arena" },
        { "<arena 0x10000 unmapped>", "live Pool block 0x10030 is still in it" },
    };

    private static readonly HeapCall[] Calls =
    [
        new MallocCall(16, 0x10040), new MallocCall(16, 0x1fff8), new MallocCall(16, 0xfffffffffffffff8), new MallocCall(8, 0xfffffffffffffff8),
        new MallocCall(32, 0x103f0), new MallocCall(144, 0xff80), new CallocCall(2, 48, 0xffc0), new ForeignAllocCall(8, 0x10200),
        new ReallocCall(0x10130, 8, 0), new ReallocCall(Block, 64, 0x1fff0), new FreeCall(0x10130), new FreeCall(Foreign),
        new ForeignFreeCall(Block), new ForeignFreeCall(SystemBlock), new ForeignFreeCall(0),
        new IsOwnedCall(0x10047, false), new IsOwnedCall(0x10400, true), new IsOwnedCall(0xffff, true),
        new ArenaMappedEvent(0), new ArenaMappedEvent(0xfffffffffffffc00), new ArenaMappedEvent(0x10200), new ArenaMappedEvent(0xfe00),
        new ArenaMappedEvent(0x20c00), new ArenaMappedEvent(0x1fc01), new ArenaUnmappedEvent(0x20000), new ArenaUnmappedEvent(Arena),
    ];

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Each_impossible_step_is_refused_with_its_reason(string call, string reason) =>
        Assert.Equal(reason, Rejection(Calls.Single(c => c.ToString() == call)));

    [Fact]
    public void Blocks_may_touch_each_other_and_arenas_without_overlapping()
    {
        Assert.Equal(new SpecBlock(0x10058, BlockOrigin.Pool), Next(new MallocCall(16, 0x10048)).Blocks[0x10048]); // right after b0
        Assert.Equal(new SpecBlock(0x10030, BlockOrigin.Pool), Next(new MallocCall(16, 0x10020)).Blocks[0x10020]); // right before b0
        Assert.Equal(new SpecBlock(0x10400, BlockOrigin.Pool), Next(new MallocCall(16, 0x103f0)).Blocks[0x103f0]); // ends at the arena's end
        Assert.Equal(new SpecBlock(0x10000, BlockOrigin.System), Next(new MallocCall(0x80, 0xff80)).Blocks[0xff80]); // ends at the arena's base
        Assert.Equal(new SpecBlock(0x10408, BlockOrigin.System), Next(new MallocCall(8, 0x10400)).Blocks[0x10400]); // starts at its end
        Assert.Equal(new SpecBlock(0x1ff00, BlockOrigin.Foreign), Next(new ForeignAllocCall(0x100, 0x1fe00)).Blocks[0x1fe00]);
        Assert.Equal(new SpecBlock(0x50001, BlockOrigin.System), Next(new MallocCall(0, 0x50000)).Blocks[0x50000]); // at least one byte
        Assert.Equal(new SpecBlock(0x50000 + 6 * 40, BlockOrigin.System), Next(new CallocCall(6, 40, 0x50000)).Blocks[0x50000]);
        Assert.Equal(new SpecBlock(0x10300 + 6 * 40, BlockOrigin.Pool), Next(new CallocCall(6, 40, 0x10300)).Blocks[0x10300]);
        Assert.Contains(0x10300UL, Next(new CallocCall(6, 40, 0x10300)).InitializedPools);
    }

    [Fact]
    public void A_failed_allocation_or_a_null_free_changes_nothing()
    {
        HeapSpecState heap = Heap;
        Assert.Same(heap, Next(new MallocCall(16, 0), heap));
        Assert.Same(heap, Next(new FreeCall(0), heap));
        Assert.Same(heap, Next(new ReallocCall(Block, 4096, 0), heap)); // the old block stays valid
        Assert.Same(heap, Next(new IsOwnedCall(Arena + 0x200, true), heap)); // unspecified: either answer
        Assert.Same(heap, Next(new IsOwnedCall(Arena + 0x200, false), heap));
    }

    [Fact]
    public void Realloc_moves_keeps_or_creates_the_block()
    {
        HeapSpecState grown = Next(new ReallocCall(Block, 64, Block));
        Assert.Equal(new SpecBlock(Block + 64, BlockOrigin.Pool), grown.Blocks[Block]);
        HeapSpecState moved = Next(new ReallocCall(SystemBlock, 16, 0x10100));
        Assert.False(moved.Blocks.ContainsKey(SystemBlock));
        Assert.Equal(new SpecBlock(0x10110, BlockOrigin.Pool), moved.Blocks[0x10100]);
        Assert.Contains(0x10100UL, moved.InitializedPools);
        HeapSpecState fresh = Next(new ReallocCall(0, 100, 0x60000));
        Assert.Equal(new SpecBlock(0x60064, BlockOrigin.System), fresh.Blocks[0x60000]);
    }

    [Fact]
    public void Arenas_may_be_mapped_next_to_arenas_and_blocks()
    {
        Assert.Contains(0x10400UL, Next(new ArenaMappedEvent(0x10400)).Arenas);
        Assert.Contains(0xfc00UL, Next(new ArenaMappedEvent(0xfc00)).Arenas);
        Assert.Contains(0x21000UL, Next(new ArenaMappedEvent(0x21000)).Arenas);
        Assert.Contains(0x1fc00UL, Next(new ArenaMappedEvent(0x1fc00)).Arenas);
        Assert.Contains(0xfffffffffffff800UL, Next(new ArenaMappedEvent(0xfffffffffffff800)).Arenas); // ends one arena below 2^64
    }

    [Fact]
    public void Unmapping_forgets_only_the_arenas_own_pools_and_ignores_blocks_outside_it()
    {
        HeapSpecState two = Spec.Replay(HeapSpecState.Empty,
        [
            new ArenaMappedEvent(Arena), new ArenaMappedEvent(Arena + 1024), new MallocCall(16, Arena + 0x10),
            new MallocCall(16, Arena + 1024 + 0x10), new MallocCall(8, Arena - 8), new FreeCall(Arena + 0x10),
        ]);
        HeapSpecState after = Next(new ArenaUnmappedEvent(Arena), two);
        Assert.Equal([Arena + 1024], after.Arenas);
        Assert.Equal([Arena + 1024], after.InitializedPools);
        Assert.Equal(2, after.Blocks.Count);
        HeapSpecState justAbove = Spec.Replay(HeapSpecState.Empty, [new ArenaMappedEvent(Arena), new MallocCall(4096, Arena + 1024)]);
        Assert.Empty(Next(new ArenaUnmappedEvent(Arena), justAbove).Arenas); // a block starting at the arena's end is not in it
    }

    [Fact]
    public void Ownership_is_classified_by_the_arenas_extent()
    {
        Assert.Equal(Arena, Spec.ArenaOf(Heap, Arena));
        Assert.Equal(Arena, Spec.ArenaOf(Heap, Arena + 1023));
        Assert.Null(Spec.ArenaOf(Heap, Arena + 1024));
        Assert.Null(Spec.ArenaOf(Heap, Arena - 1));
        Assert.Equal(Arena + 0x100, Spec.PoolOf(Arena + 0x1ff));
        Assert.Equal(Ownership.Unspecified, Spec.Classify(Heap, Arena + 0x100));
    }

    [Fact]
    public void Geometry_and_unknown_calls_are_refused_with_a_message()
    {
        var spec = new HeapHistorySpec(1024, 1024); // one pool per arena is a valid geometry
        Assert.Equal(1024UL, spec.PoolSize);
        Assert.Equal(1024UL, spec.ArenaSize);
        Assert.Equal("arena size (1000) and pool size (256) must be powers of two with pool size <= arena size",
            Assert.Throws<ArgumentException>(() => new HeapHistorySpec(1000, 256)).Message);
        Assert.Throws<ArgumentException>(() => new HeapHistorySpec(1024, 100));
        Assert.Throws<ArgumentException>(() => new HeapHistorySpec(1024, 2048));
        var unknown = Assert.Throws<ArgumentException>(() => Spec.Step(Heap, new UnknownCall()));
        Assert.Equal("call", unknown.ParamName);
        Assert.StartsWith("unknown heap call UnknownCall", unknown.Message);
        var rejected = Assert.Throws<InvalidOperationException>(() => Spec.Replay(Heap, [new FreeCall(0x10130)]));
        Assert.Equal("sequential call Free(0x10130) rejected: 0x10130 is not a live block", rejected.Message);
    }

    private sealed record UnknownCall : HeapCall;

    [Fact]
    public void Calls_print_as_histories_show_them()
    {
        HeapCall[] calls =
        [
            new MallocCall(16, 0), new CallocCall(2, 8, 0x10), new ReallocCall(0x10, 32, 0x20), new FreeCall(0x20),
            new IsOwnedCall(0x30, true), new IsOwnedCall(0, false), new ForeignAllocCall(8, 0x40), new ForeignFreeCall(0x40),
            new ArenaMappedEvent(0x10000), new ArenaUnmappedEvent(0x10000),
        ];
        Assert.Equal(
            "Malloc(16) = 0 | Calloc(2, 8) = 0x10 | Realloc(0x10, 32) = 0x20 | Free(0x20) | IsOwned(0x30) = true | IsOwned(0) = false | "
            + "ForeignAlloc(8) = 0x40 | ForeignFree(0x40) | <arena 0x10000 mapped> | <arena 0x10000 unmapped>",
            string.Join(" | ", calls.Select(c => c.ToString())));
        Assert.Equal("T3 [4..9] Free(0x20)", new TimedCall<HeapCall>(3, 4, 9, new FreeCall(0x20)).ToString());
    }

    [Fact]
    public void States_are_equal_exactly_when_arenas_pools_and_blocks_are()
    {
        HeapSpecState same = Spec.Replay(HeapSpecState.Empty,
            [new ArenaMappedEvent(Arena), new MallocCall(24, Block), new MallocCall(4096, SystemBlock), new ForeignAllocCall(64, Foreign)]);
        Assert.True(Heap.Equals(same));
        Assert.True(Heap.Equals((object)same));
        HeapSpecState heap = Heap;
        Assert.True(heap.Equals(heap));
        Assert.False(Heap.Equals(null));
        Assert.False(Heap.Equals("heap"));
        Assert.Equal("1 arenas, 1 initialized pools, 3 live blocks", Heap.ToString());
        HeapSpecState[] different =
        [
            Next(new ArenaMappedEvent(0x40000)),                                  // another arena
            Next(new FreeCall(Block)),                                            // one block fewer
            Next(new MallocCall(16, Arena + 0x100)),                              // one block and one pool more
            Next(new MallocCall(16, Arena + 0x50)),                               // one block more, same pools
            Next(new ReallocCall(Block, 16, Block)),                              // same blocks, another extent
            Next(new ReallocCall(SystemBlock, 4096, 0x30000)),                    // same extents, another base
            Next(new FreeCall(Block), Next(new ArenaMappedEvent(0x40000))),
        ];
        foreach (HeapSpecState other in different)
        {
            Assert.False(Heap.Equals(other), other.ToString());
            Assert.False(other.Equals(Heap), other.ToString());
        }
        Assert.False(different[1].Equals(Next(new ForeignFreeCall(Foreign))));
    }
}
