using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.SeededBugs.Hooks;

namespace PymallocVerify.Allocator.Tests;

public class RadixTreeOracleTests
{
    private const ulong A = 1UL << 20; // Modern ARENA_SIZE
    private NoHooks _none;

    private static ArenaMap ModernMap() => new(Geometry.Modern.ArenaBits);

    [Theory]
    [InlineData(20, 15, 15, 14, 262_144L, 262_144L, 131_072L)] // CPython 3.11+ on 64-bit (bpo-45526)
    [InlineData(18, 16, 16, 14, 524_288L, 524_288L, 131_072L)] // 256 KiB arenas
    [InlineData(10, 18, 18, 18, 2_097_152L, 2_097_152L, 2_097_152L)] // Tiny
    public void Bit_split_and_node_sizes_follow_CPython(int arenaBits, int top, int mid, int bottom, long rootBytes, long midBytes, long botBytes)
    {
        var layout = new ArenaMapLayout(arenaBits);
        Assert.Equal((top, mid, bottom), (layout.TopBits, layout.MidBits, layout.BottomBits));
        Assert.Equal(64, layout.TopShift + layout.TopBits);
        Assert.Equal((rootBytes, midBytes, botBytes), (layout.RootBytes, layout.MidNodeBytes, layout.BottomNodeBytes));
    }

    [Fact]
    public void The_3_10_layout_keys_on_48_address_bits_with_an_8_KiB_root()
    {
        var layout = new ArenaMapLayout(20, ArenaMapLayout.Python310AddressBits);
        Assert.Equal((10, 10, 8), (layout.TopBits, layout.MidBits, layout.BottomBits));
        Assert.Equal(48, layout.TopShift + layout.TopBits);
        Assert.Equal((8_192L, 8_192L, 2_048L), (layout.RootBytes, layout.MidNodeBytes, layout.BottomNodeBytes));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArenaMapLayout(20, 65));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArenaMapLayout(20, 22));
    }

    [Fact]
    public void The_3_10_map_ignores_the_top_16_address_bits_and_the_3_11_map_does_not()
    {
        ulong b = 0x7f12_3400_5000, alias = b + (3UL << 48); // same low 48 bits
        var narrow = new ArenaMap(20, ArenaMapLayout.Python310AddressBits);
        var wide = ModernMap();
        narrow.Mark(b, ref _none);
        wide.Mark(b, ref _none);
        // The last-arena and leaf-chunk hints key on the whole address; the walk finds the alias all the same.
        Assert.True(narrow.IsUsed(alias, ref _none));
        Assert.True(narrow.IsUsed(alias + (A - 1), ref _none));
        Assert.False(narrow.IsUsed(alias + A, ref _none));
        Assert.False(wide.IsUsed(alias, ref _none));
        Assert.Equal((1, 1), (narrow.MidNodeCount, narrow.BottomNodeCount));
        Assert.Equal(8_192 + 8_192 + 2_048, narrow.GetStats().TotalBytes);
        narrow.CheckInvariants();
    }

    [Fact]
    public void A_tiny_map_with_one_arena_costs_a_few_KiB_as_its_nodes_are_built_chunk_by_chunk()
    {
        // Tiny's 54 address bits above the arena make three levels of 2^18 entries; only the chunks written exist, so
        // an explorer can build thousands of heaps. A chunk table sized for more chunks than a node has would cost GiBs.
        long before = GC.GetAllocatedBytesForCurrentThread();
        var map = new ArenaMap(Geometry.Tiny.ArenaBits);
        map.Mark(0x7f12_3400_5000, ref _none);
        long cost = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(cost < 64 * 1024, $"{cost} bytes for one arena");
        Assert.True(map.IsUsed(0x7f12_3400_5000, ref _none));
    }

    [Fact]
    public void An_arena_aligned_arena_writes_tail_hi_minus_one_and_nothing_in_the_next_span()
    {
        ArenaMap map = ModernMap();
        ulong b = 0x7f12_3400_0000; // multiple of 1 MiB
        map.Mark(b, ref _none);
        Assert.Equal((-1, 0), Tails(map.CoverageOf(b)));
        Assert.Equal((0, 0), Tails(map.CoverageOf(b + A)));
        Assert.Equal((0, 0), Tails(map.CoverageOf(b - 1)));
    }

    [Fact]
    public void An_unaligned_arena_writes_tail_hi_in_its_span_and_tail_lo_in_the_next()
    {
        ArenaMap map = ModernMap();
        ulong t = 0x5000, b = 0x7f12_3400_0000 + t;
        map.Mark(b, ref _none);
        Assert.Equal(((int)t, 0), Tails(map.CoverageOf(b)));
        Assert.Equal((0, (int)t), Tails(map.CoverageOf(b + A)));
        map.CheckInvariants();
    }

    [Theory]
    [InlineData(0x7f12_3400_0000UL)]            // aligned
    [InlineData(0x7f12_3400_4000UL)]            // pool-aligned
    [InlineData(0x7f12_3400_1000UL)]            // page-aligned (mmap)
    [InlineData(0x7f12_3400_0010UL)]            // malloc-aligned
    [InlineData(0x10UL)]                        // below one arena size
    [InlineData(ulong.MaxValue - A + 1)]                    // the last arena-aligned span of the address space
    [InlineData(ulong.MaxValue - A - 0x2F)]             // unaligned, ending just below 2^64
    public void Owned_exactly_on_the_arena_span(ulong b)
    {
        ArenaMap map = ModernMap();
        map.Mark(b, ref _none);
        Assert.True(map.IsUsed(b, ref _none));
        Assert.True(map.IsUsed(b + (A - 1), ref _none));
        if (b > 0) Assert.False(map.IsUsed(b - 1, ref _none));
        if (b + A != 0) Assert.False(map.IsUsed(b + A, ref _none));
        // The whole span, including an unaligned head and pools never carved.
        for (ulong off = 0; off < A; off += 0x3F1) Assert.True(map.IsUsed(b + off, ref _none));
        Assert.False(map.IsUsed(b ^ (1UL << 40), ref _none)); // same span offset elsewhere
    }

    [Fact]
    public void False_just_outside_unless_a_neighbour_arena_is_there()
    {
        ArenaMap map = ModernMap();
        ulong x = 0x7f00_0010_3000, y = x + A; // adjacent, both unaligned by the same tail
        map.Mark(x, ref _none);
        Assert.False(map.IsUsed(x + A, ref _none));
        map.Mark(y, ref _none);
        Assert.True(map.IsUsed(x + A - 1, ref _none));
        Assert.True(map.IsUsed(y, ref _none));
        Assert.Equal((0x3000, 0x3000), Tails(map.CoverageOf(y))); // tail_hi of y, tail_lo of x
        Assert.False(map.IsUsed(x - 1, ref _none));
        Assert.False(map.IsUsed(y + A, ref _none));
        map.CheckInvariants();

        map.Unmark(x, ref _none);
        Assert.False(map.IsUsed(x, ref _none));
        Assert.False(map.IsUsed(x + A - 1, ref _none));
        Assert.True(map.IsUsed(y, ref _none));
    }

    [Fact]
    public void Unmark_clears_what_mark_wrote_and_keeps_the_nodes()
    {
        ArenaMap map = ModernMap();
        ulong b = 0x7f00_0000_0000 + 0x4000;
        map.Mark(b, ref _none);
        var before = map.GetStats();
        map.Unmark(b, ref _none);
        for (ulong off = 0; off < A; off += 0x1000) Assert.False(map.IsUsed(b + off, ref _none));
        Assert.Equal((0, 0), Tails(map.CoverageOf(b)));
        Assert.Equal((0, 0), Tails(map.CoverageOf(b + A)));
        Assert.Equal(before, map.GetStats()); // nodes are never freed
    }

    [Fact]
    public void Nodes_are_created_on_demand_and_counted_like_arena_map_mid_and_bot_count()
    {
        ArenaMap map = ModernMap();
        Assert.Equal((0, 0), (map.MidNodeCount, map.BottomNodeCount));
        map.Mark(0x7f00_0000_0000, ref _none);
        Assert.Equal((1, 1), (map.MidNodeCount, map.BottomNodeCount));
        map.Mark(0x7f00_0010_0000 + 0x4000, ref _none); // same bottom node, two spans
        Assert.Equal((1, 1), (map.MidNodeCount, map.BottomNodeCount));

        // An unaligned arena at the end of a bottom node's 2^34-byte range spills into the next bottom node...
        ulong bottomRange = 1UL << (20 + 14);
        map.Mark(0x7f00_0000_0000 + bottomRange - A + 0x4000, ref _none);
        Assert.Equal((1, 2), (map.MidNodeCount, map.BottomNodeCount));
        // ...and at the end of a mid node's 2^49-byte range, into the next mid node (0x7f00_0000_0000 is in mid 0).
        ulong midRange = 1UL << 49;
        map.Mark(midRange - A + 0x4000, ref _none);
        Assert.Equal((2, 4), (map.MidNodeCount, map.BottomNodeCount));

        ArenaMapStats stats = map.GetStats();
        Assert.Equal(262_144L, stats.RootBytes);
        Assert.Equal(2 * 262_144L, stats.MidBytes);
        Assert.Equal(4 * 131_072L, stats.BottomBytes);
        Assert.Contains("# arena map bot nodes = 4", stats.ToString());
    }

    [Fact]
    public void Leaf_invariants_catch_overlapping_arenas()
    {
        ArenaMap map = ModernMap();
        ulong k = 0x7f00_0040_0000;
        map.Mark(k - A + 0x30000, ref _none);   // covers [k - A + 0x30000, k + 0x30000): tail_lo(k) = 0x30000
        map.CheckInvariants();
        map.Mark(k + 0x10000, ref _none);        // overlaps it: tail_hi(k) = 0x10000 < tail_lo
        var e = Assert.Throws<HeapInvariantException>(map.CheckInvariants);
        Assert.Equal("radix-tail-order", e.Invariant);

        ArenaMap aligned = ModernMap();
        aligned.Mark(k - A + 0x30000, ref _none);
        aligned.Mark(k, ref _none);              // arena-aligned arena in a span whose bottom is taken
        Assert.Equal("radix-aligned-span", Assert.Throws<HeapInvariantException>(aligned.CheckInvariants).Invariant);
    }

    [Fact]
    public void Refuses_an_arena_that_wraps_or_is_null()
    {
        ArenaMap map = ModernMap();
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Mark(0, ref _none));
        Assert.Throws<ArgumentOutOfRangeException>(() => map.Mark(ulong.MaxValue - A + 2, ref _none));
        Assert.Throws<ArgumentOutOfRangeException>(() => new ArenaMap(32));
    }

    [Fact]
    public void Every_shared_access_is_a_scheduling_point_and_a_reader_at_any_point_sees_a_consistent_tree()
    {
        ArenaMap map = ModernMap();
        ulong b = 0x7f00_0000_0000 + 0x4000; // unaligned: two leaves in two spans
        var probe = new ProbingHooks(map, [b, b + A - 1, b - 1, b + A]);
        map.Mark(b, ref probe);
        // root chunk, mid link, mid chunk, bottom link, leaf chunk, the leaf-chunk hint, tail_hi; (next span: same
        // bottom node and leaf chunk) tail_lo; the last marked arena. Every link of a freshly built chunk or node is a
        // shared write too.
        Assert.Equal(9, probe.Writes);
        // A reader running at each write point sees the arena only as leaves land: before the first leaf
        // nothing; after tail_hi the upper part; at the end all of it — never an exception, never outside, and
        // never a hint that disagrees with the leaves ('X'): the arena is named the last marked one after its leaves.
        Assert.Equal(
        [
            "0000", // before linking the root chunk
            "0000", // before linking the mid node
            "0000", // before linking the mid node's chunk
            "0000", // before linking the bottom node
            "0000", // before linking the leaf chunk
            "0000", // before pointing the hint at it
            "0000", // before tail_hi
            "1000", // before tail_lo: [b, next span) visible
            "1100", // before naming the last marked arena
            "1100", // done
        ], probe.Snapshots.Append(probe.Snapshot()));

        var counting = new ProbingHooks(map, []);
        Assert.True(map.IsUsed(b + A - 1, ref counting));
        Assert.Equal(1, counting.Reads); // the last marked arena: b's
        counting.Reads = 0;
        Assert.False(map.IsUsed(b + A, ref counting));
        Assert.Equal(3, counting.Reads); // the last arena (not it), the hint (it holds the leaf chunk), then tail_hi, tail_lo (two reads, as in C)
        counting.Reads = 0;
        Assert.False(map.IsUsed(b + (1UL << map.Layout.MidShift), ref counting));
        Assert.Equal(4, counting.Reads); // the last arena, the hint (a miss), the root chunk and mid link, the mid chunk: no node

        var unmarking = new ProbingHooks(map, [b, b + A - 1, b - 1, b + A]);
        map.Unmark(b, ref unmarking);
        Assert.Equal(3, unmarking.Writes); // the last marked arena, then the two leaves; no node is touched
        Assert.Equal(
        [
            "1100", // before withdrawing it as the last marked arena
            "1100", // before tail_hi: the leaves answer
            "0100", // before tail_lo
            "0000", // done
        ], unmarking.Snapshots.Append(unmarking.Snapshot()));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void The_hint_answers_exactly_as_the_walk_across_leaf_chunks_and_bottom_nodes(int seed)
    {
        // Arenas spread over four bottom nodes, two of which share a root index, and over several leaf chunks in each
        // (up to 4000 spans from a node's start, 512 spans a chunk); marked, some unmarked, in random order, so the
        // hint points at each chunk in turn. The last marked arena is sometimes unmarked at once (the hint must
        // let it go), sometimes an older one (the hint keeps the last). Every answer must equal the hint-free walk's,
        // on live arenas and on unmarked ones.
        ArenaMap map = ModernMap();
        var random = new SplitMix64((ulong)seed);
        ulong bottomSpan = 1UL << map.Layout.MidShift, topSpan = 1UL << map.Layout.TopShift;
        ulong[] spans = [0x7f00_0000_0000, 0x7f00_0000_0000 + bottomSpan, 0x7f00_0000_0000 + 3 * topSpan, ulong.MaxValue - bottomSpan + 1];
        var arenas = new List<ulong>();
        var unmarked = new List<ulong>();
        for (int i = 0; i < 24; i++)
        {
            ulong span = spans[random.NextInt(spans.Length)];
            ulong b = span + (ulong)random.NextInt(1, 4000) * A + (ulong)random.NextInt(0, 3) * 0x4000;
            if (arenas.Any(a => (a > b ? a - b : b - a) < A) || b + (A - 1) < b) continue;
            map.Mark(b, ref _none);
            arenas.Add(b);
            unmarked.Remove(b);
            int pick = random.NextInt(4) switch { 0 => arenas.Count - 1, 1 => random.NextInt(arenas.Count), _ => -1 };
            if (pick >= 0)
            {
                map.Unmark(arenas[pick], ref _none);
                unmarked.Add(arenas[pick]);
                arenas.RemoveAt(pick);
            }
            foreach (ulong a in arenas.Concat(unmarked))
            {
                foreach (ulong p in new[] { a, a - 1, a + A - 1, a + A, a + (ulong)random.NextInt((int)A), a + bottomSpan, a - bottomSpan })
                {
                    bool walked = map.CoverageOf(p).Covers((int)(p & (A - 1)));
                    Assert.True(walked == map.IsUsed(p, ref _none), $"0x{p:x}: the walk says {walked}");
                }
            }
        }
        Assert.True(map.GetStats().BottomNodes >= 3);
    }

    [Fact]
    public void The_oracle_in_a_heap_owns_exactly_the_live_arena_spans_and_reads_no_memory()
    {
        var space = SimulatedAddressSpace.For(Geometry.Modern, seed: 3, adversarial: true);
        using var heap = new PymallocHeap<SimulatedMemorySpace, RadixTreeOracle, NoHooks>(Geometry.Modern, new SimulatedMemorySpace(space));
        var blocks = new List<ulong>();
        for (int i = 0; i < 12_000; i++) blocks.Add(heap.Malloc((ulong)(16 + i % 500)));
        Assert.True(space.LiveArenas.Count >= 3);
        long readsBefore = space.GetStats().Reads;
        foreach (SimulatedAllocation arena in space.LiveArenas)
        {
            Assert.True(heap.IsOwned(arena.Base));
            Assert.True(heap.IsOwned(arena.Last));
            Assert.Equal(space.FindLive(arena.Base - 1) is { Kind: AllocationKind.Arena }, heap.IsOwned(arena.Base - 1));
            Assert.Equal(space.FindLive(arena.Last + 1) is { Kind: AllocationKind.Arena }, heap.IsOwned(arena.Last + 1));
        }
        Assert.Equal(readsBefore, space.GetStats().Reads); // IsOwned read nothing from memory
        ulong released = space.LiveArenas[0].Base;
        foreach (ulong p in blocks) heap.Free(p);
        heap.CheckInvariants();
        heap.Oracle.Map.CheckInvariants();
        Assert.DoesNotContain(space.LiveArenas, a => a.Base == released && heap.IsOwned(released));
        Assert.False(heap.IsOwned(released));
        Assert.Equal(0, space.GetStats().ArenaIndexReads);
        Assert.True(heap.Oracle.Map.GetStats().BottomNodes >= 1);
    }

    [Fact]
    public void Overlapping_arenas_are_reported_with_the_leaf_that_shows_it()
    {
        ulong k = 0x7f00_0040_0000;
        ArenaMap map = ModernMap();
        map.Mark(k - A + 0x30000, ref _none);
        map.Mark(k + 0x10000, ref _none);
        ArenaObject[] both = [new() { Address = k - A + 0x30000 }, new() { Address = k + 0x10000 }];
        foreach (Action check in new Action[] { map.CheckInvariants, () => map.CheckInvariants(both) }) // the table check runs the leaf rules first
        {
            var e = Assert.Throws<HeapInvariantException>(check);
            Assert.Equal(("radix-tail-order", "leaf {tail_hi = 65536, tail_lo = 196608}: tail_lo > tail_hi, so two arenas overlap"),
                (e.Invariant, e.Detail));
        }
        ArenaMap aligned = ModernMap();
        aligned.Mark(k - A + 0x30000, ref _none);
        aligned.Mark(k, ref _none);
        var shared = Assert.Throws<HeapInvariantException>(aligned.CheckInvariants);
        Assert.Equal(("radix-aligned-span", "leaf {tail_hi = -1, tail_lo = 196608}: an arena-aligned arena shares its span with another"),
            (shared.Invariant, shared.Detail));
    }

    [Fact]
    public void The_map_checked_against_an_arena_table_names_a_live_arena_it_misses_a_stale_neighbour_and_a_stale_hint()
    {
        ulong k = 0x7f00_0040_0000;
        static ArenaObject[] Table(params ulong[] bases) => [.. bases.Select(b => new ArenaObject { Address = b }), new()];
        static (string, string) Report(ArenaMap map, ArenaObject[] table)
        {
            var e = Assert.Throws<HeapInvariantException>(() => map.CheckInvariants(table));
            return (e.Invariant, e.Detail);
        }

        ArenaMap map = ModernMap();
        Assert.Equal(("radix-live-arena", $"live arena 0x{k:x}: byte 0x{k:x} is not marked used"), Report(map, Table(k)));
        map.Mark(k, ref _none); // its span only: an arena 64 KiB above it has its last byte in the next span
        Assert.Equal(("radix-live-arena", $"live arena 0x{k + 0x10000:x}: byte 0x{k + 0x10000 + A - 1:x} is not marked used"),
            Report(map, Table(k + 0x10000)));
        map.CheckInvariants(Table(k));

        map.Mark(k + A, ref _none);
        Assert.Equal(("radix-stale-coverage", $"byte 0x{k + A:x} beside live arena 0x{k:x} is marked used but lies in no live arena"),
            Report(map, Table(k)));
        map.CheckInvariants(Table(k, k + A));
        map.Unmark(k + A, ref _none);
        map.Mark(k - A, ref _none);
        Assert.Equal(("radix-stale-coverage", $"byte 0x{k - 1:x} beside live arena 0x{k:x} is marked used but lies in no live arena"),
            Report(map, Table(k)));
        map.Unmark(k - A, ref _none);

        map.Mark(k + 8 * A, ref _none); // now the last marked arena
        Assert.Equal(("radix-hint", $"the last-arena hint names 0x{k + 8 * A:x}, which is not a live arena"), Report(map, Table(k)));
        map.CheckInvariants(Table(k, k + 8 * A));
    }

    [Fact]
    public void An_aligned_arena_is_marked_with_one_leaf_write_and_unmarked_without_touching_a_hint_that_names_another()
    {
        ArenaMap map = ModernMap();
        ulong k = 0x7f00_0040_0000;
        map.Mark(k, ref _none);
        map.Mark(k + 2 * A, ref _none); // the last marked arena
        var unmarking = new ProbingHooks(map, []);
        map.Unmark(k, ref unmarking);
        Assert.Equal(1, unmarking.Writes); // tail_hi; the last-marked arena is not k, so it stays
        Assert.True(map.IsUsed(k + 2 * A, ref unmarking));
        unmarking.Writes = 0;
        map.Unmark(k + 2 * A, ref unmarking);
        Assert.Equal(2, unmarking.Writes); // withdrawn as the last marked arena, then tail_hi
    }

    [Fact]
    public void A_query_that_finds_the_bottom_node_but_no_leaf_chunk_reads_five_times()
    {
        ArenaMap map = ModernMap();
        ulong b = 0x7f00_0000_4000;
        map.Mark(b, ref _none);
        var counting = new ProbingHooks(map, []);
        // 512 spans further: the same bottom node (2^14 spans), another leaf chunk, never written
        Assert.False(map.IsUsed(b + 512 * A, ref counting));
        Assert.Equal(5, counting.Reads); // the last arena, the hint (a miss), root chunk and mid link, mid chunk, the bottom's chunk table
    }

    [Fact]
    public void Every_chunk_the_map_links_is_reported_to_the_hooks()
    {
        ArenaMap map = ModernMap();
        var probe = new ProbingHooks(map, []);
        map.Mark(0x7f00_0000_4000, ref probe);
        Assert.Equal(3, probe.ChunksLinked); // the root's chunk, the mid node's chunk, the leaf chunk (both spans share it)
    }

    /// <summary>Hooks that overwrite one leaf of every leaf chunk the map links, before any mark writes to it.</summary>
    private readonly struct LeafPlanter(Index where, ArenaCoverage leaf) : IHeapHooks
    {
        public void Interleave(SharedAccess access) { }
        public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) { }
        public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace { }
        public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }
        public void AfterRadixChunkLinked<T>(T[] chunk)
        {
            if (chunk is ArenaCoverage[] leaves) leaves[where] = leaf;
        }
    }

    [Theory]
    [InlineData((int)A, 0)]
    [InlineData(0, (int)A)]
    [InlineData(-2, 0)]
    [InlineData(0, -1)]
    public void A_leaf_tail_outside_the_span_is_reported_with_the_leaf(int tailHi, int tailLo)
    {
        ArenaMap map = ModernMap();
        var planter = new LeafPlanter(^1, new ArenaCoverage { TailHi = tailHi, TailLo = tailLo });
        map.Mark(0x7f00_0040_0000, ref planter);
        var e = Assert.Throws<HeapInvariantException>(map.CheckInvariants);
        Assert.Equal(("radix-tail-range", $"leaf {{tail_hi = {tailHi}, tail_lo = {tailLo}}} has a tail outside [0, ARENA_SIZE)"),
            (e.Invariant, e.Detail));
    }

    [Fact]
    public void The_leaf_a_chunk_clear_one_short_leaves_behind_is_reported_by_the_leaf_rules()
    {
        ArenaMap map = ModernMap();
        var bug = new RadixLastLeafNotZeroedHooks();
        map.Mark(0x7f00_0040_0000, ref bug);
        var e = Assert.Throws<HeapInvariantException>(map.CheckInvariants);
        Assert.Equal(("radix-tail-range", "leaf {tail_hi = 2147483647, tail_lo = 0} has a tail outside [0, ARENA_SIZE)"), (e.Invariant, e.Detail));
    }

    [Theory]
    [InlineData(-1, 0)]
    [InlineData((int)A - 1, (int)A - 1)]
    [InlineData(0, (int)A - 1)]
    public void Leaf_tails_at_the_ends_of_the_span_keep_the_rules(int tailHi, int tailLo)
    {
        ArenaMap map = ModernMap();
        var planter = new LeafPlanter(^1, new ArenaCoverage { TailHi = tailHi, TailLo = tailLo });
        map.Mark(0x7f00_0040_0000, ref planter);
        map.CheckInvariants();
    }

    [Fact]
    public void Stale_coverage_is_found_at_byte_1_below_an_arena_at_2()
    {
        // The lowest span's leaf claims its bottom too (tail_lo = 2), so byte 1 reads as used though no arena holds it.
        ArenaMap map = ModernMap();
        var planter = new LeafPlanter(0, new ArenaCoverage { TailLo = 2 });
        map.Mark(2, ref planter);
        map.CheckInvariants();
        var e = Assert.Throws<HeapInvariantException>(() => map.CheckInvariants([new ArenaObject { Address = 2 }]));
        Assert.Equal(("radix-stale-coverage", "byte 0x1 beside live arena 0x2 is marked used but lies in no live arena"), (e.Invariant, e.Detail));
    }

    [Fact]
    public void The_map_refuses_a_null_or_wrapping_arena_and_a_layout_without_a_key_bit_per_level_naming_the_numbers()
    {
        ArenaMap map = ModernMap();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => map.Mark(0, ref _none));
        Assert.Equal(("arenaBase", "0x0"), (e.ParamName, e.ActualValue));
        Assert.StartsWith("an arena must be non-null and must not wrap past 2^64", e.Message);
        map.Mark(ulong.MaxValue - A + 1, ref _none); // the last arena below 2^64 does not wrap
        Assert.True(map.IsUsed(ulong.MaxValue, ref _none));
        var bits = Assert.Throws<ArgumentOutOfRangeException>(() => new ArenaMapLayout(0));
        Assert.StartsWith("ARENA_BITS must be 1..31 (tails are int32)", bits.Message);
        Assert.Equal(1, new ArenaMapLayout(1).ArenaBits);
        var key = Assert.Throws<ArgumentOutOfRangeException>(() => new ArenaMapLayout(20, 22));
        Assert.StartsWith("ADDRESS_BITS must be at most 64 and leave at least 3 key bits above ARENA_BITS (20): one per level", key.Message);
        Assert.Equal(23, new ArenaMapLayout(20, 23).AddressBits);
    }

    [Fact]
    public void The_oracle_needs_its_geometry_and_says_when_it_is_used_before_it_has_one()
    {
        var oracle = new RadixTreeOracle();
        var e = Assert.Throws<InvalidOperationException>(() => oracle.Map);
        Assert.Equal("the radix-tree oracle is not initialised: the heap's constructor calls Initialize", e.Message);
        Assert.Throws<ArgumentNullException>(() => oracle.Initialize(null!));
    }

    [Fact]
    public void The_arena_map_section_of_debugmallocstats_is_CPythons_text()
    {
        var stats = new ArenaMapStats(new ArenaMapLayout(20), MidNodes: 1, BottomNodes: 2);
        static string Line(string label, long value) => $"{label,-35}={value.ToString("N0", System.Globalization.CultureInfo.InvariantCulture),21}\n";
        Assert.Equal("\narena map counts\n" + Line("# arena map mid nodes", 1) + Line("# arena map bot nodes", 2) + "\n" +
                     Line("# bytes lost to arena map root", 262_144) + Line("# bytes lost to arena map mid", 262_144) +
                     Line("# bytes lost to arena map bot", 262_144) + Line("Total", 786_432), stats.Format());
        Assert.Matches("; bytes lost to arena map root = 262.144, mid = 262.144, bot = 262.144$", stats.ToString());
    }

    private static (int Hi, int Lo) Tails(ArenaCoverage c) => (c.TailHi, c.TailLo);

    /// <summary>At each radix write point, queries the probes through the map, as a lock-free reader would.</summary>
    private sealed class ProbeLog
    {
        public List<string> Snapshots { get; } = [];
    }

    private struct ProbingHooks(ArenaMap map, ulong[] probes) : IHeapHooks
    {
        private readonly ProbeLog _log = new();
        private readonly ArenaMap _map = map;
        private readonly ulong[] _probes = probes;
        public int Reads;
        public int Writes;
        public int ChunksLinked;

        public readonly List<string> Snapshots => _log.Snapshots;

        /// <summary>Per probe: '1' owned, '0' not, 'X' where the query's answer (hints first) differs from the walk's.</summary>
        public readonly string Snapshot()
        {
            var chars = new char[_probes.Length];
            NoHooks none = default;
            for (int i = 0; i < _probes.Length; i++)
            {
                bool answer = _map.IsUsed(_probes[i], ref none);
                bool walked = _map.CoverageOf(_probes[i]).Covers((int)(_probes[i] & (A - 1)));
                chars[i] = answer != walked ? 'X' : answer ? '1' : '0';
            }
            return new string(chars);
        }

        public void Interleave(SharedAccess access)
        {
            if (access == SharedAccess.RadixNodeRead) Reads++;
            if (access != SharedAccess.RadixNodeWrite) return;
            Writes++;
            if (_probes.Length > 0) _log.Snapshots.Add(Snapshot());
        }

        public readonly void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) { }
        public readonly void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace { }
        public readonly void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) { }
        public void AfterRadixChunkLinked<T>(T[] chunk) => ChunksLinked++;
    }
}
