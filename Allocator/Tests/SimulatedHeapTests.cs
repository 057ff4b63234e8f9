using PymallocVerify.Allocator;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.SeededBugs.Hooks;
using PymallocVerify.SeededBugs.Oracles;
using Xunit.Abstractions;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// The heap on the simulated space, with both oracles: memcheck-clean workloads, the classic oracle's decision
/// on foreign pointers under every garbage value, the radix oracle reading nothing, the pool-larger-than-page
/// failure, and seeded bugs (from the seeded-bug catalog) showing each check can fail.
/// </summary>
public class SimulatedHeapTests(ITestOutputHelper output)
{
    private static readonly int Effort = int.TryParse(Environment.GetEnvironmentVariable("PMV_EFFORT"), out int e) && e > 0 ? e : 1;

    // ---- workloads -----------------------------------------------------------------------------------------

    public static TheoryData<string, bool, string> Configurations => new()
    {
        { "classic", false, "pool-index" },
        { "classic", true, "pool-index" },
        { "tiny", true, "pool-index" },
        { "tiny", true, "radix" },
        { "modern", true, "radix" },
        { "classic", true, "radix" },
    };

    [Theory]
    [MemberData(nameof(Configurations))]
    public void A_workload_is_memcheck_clean_and_the_radix_oracle_reads_no_pool_memory(string geometry, bool adversarial, string oracle)
    {
        Geometry g = Geometry.FromName(geometry);
        var space = SimulatedAddressSpace.For(g, seed: 42, adversarial);
        var watch = Stopwatch.StartNew();
        int ops = 3000 * Effort;
        if (oracle == "radix")
        {
            using var heap = new PymallocHeap<SimulatedMemorySpace, RadixTreeOracle, NoHooks>(g, new SimulatedMemorySpace(space), checks: HeapCheckLevel.Pointers);
            Workload(heap, seed: 7, ops);
            heap.Oracle.Map.CheckInvariants();
        }
        else
        {
            using var heap = new PymallocHeap<SimulatedMemorySpace, PoolIndexOracle, NoHooks>(g, new SimulatedMemorySpace(space), checks: HeapCheckLevel.Pointers);
            Workload(heap, seed: 7, ops);
        }
        watch.Stop();
        SimulatedSpaceStats stats = space.GetStats();
        output.WriteLine($"{geometry}/{oracle}/adversarial={adversarial}: {ops} ops, {stats.Reads} reads, {stats.Writes} writes, " +
                         $"{stats.ArenaIndexReads} index reads, {stats.SuppressedReads} suppressed, {watch.Elapsed.TotalMilliseconds:F0} ms");

        AssertNoErrors(space);
        Assert.Equal((0, 0), (stats.LiveArenas, stats.LiveSystemBlocks)); // no leak after free-all and Dispose
        if (oracle == "radix")
        {
            Assert.Equal(0, stats.ArenaIndexReads);
            Assert.Equal(0, stats.SuppressedReads);
        }
        else
        {
            Assert.True(stats.ArenaIndexReads > 0);
            Assert.All(space.SuppressedReads, r => Assert.Equal(Suppression.ClassicOracleArenaIndexRead.Name, r.SuppressionName));
        }
    }

    [Fact]
    public void The_workload_check_fails_when_the_heap_reads_a_released_arena()
    {
        var space = SimulatedAddressSpace.For(Geometry.Tiny, seed: 1);
        using (var heap = new PymallocHeap<SimulatedMemorySpace, PoolIndexOracle, ReadsReleasedArenaHooks>(Geometry.Tiny, new SimulatedMemorySpace(space)))
            Workload(heap, seed: 2, 400); // a seed whose workload releases an arena and then carves a pool
        MemcheckError e = space.Errors.First();
        Assert.Equal(MemcheckErrorKind.UnmappedRead, e.Kind);
        Assert.Equal("ReadsReleasedArenaHooks.AfterPoolCarved", e.Site);
        Assert.Contains("freed at op #", e.Description);
    }

    [Fact]
    public void A_misrouted_free_is_reported_with_the_heap_site_and_operation()
    {
        var space = SimulatedAddressSpace.For(Geometry.Classic);
        using var heap = new PymallocHeap<SimulatedMemorySpace, RadixTreeOracle, NoHooks>(Geometry.Classic, new SimulatedMemorySpace(space));
        ulong big = heap.Malloc(10_000);
        space.CurrentOperationIndex = 1;
        FreeThroughHelper(heap, big);
        space.CurrentOperationIndex = 2;
        FreeThroughHelper(heap, big); // double free of a system block
        MemcheckError e = Assert.Single(space.Errors);
        Assert.Equal((MemcheckErrorKind.InvalidFree, MemoryAccess.SystemFree, 2L), (e.Kind, e.Access, e.OperationIndex));
        // The heap's system path is NoInlining (and the runtime makes no implicit tail call out of it), so the site
        // is the same in Debug and Release builds.
        Assert.Equal("PymallocHeap.SystemFree", e.Site);
        Assert.Contains("freed at op #1", e.Description);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void FreeThroughHelper<TOracle>(PymallocHeap<SimulatedMemorySpace, TOracle, NoHooks> heap, ulong p)
        where TOracle : struct, IOwnershipOracle => heap.Free(p);

    // ---- the classic oracle on foreign pointers --------------------------------------------------------------

    [Theory]
    [InlineData("classic")]
    [InlineData("tiny")]
    public void Classic_oracle_on_foreign_pointers_makes_only_suppressed_reads_and_one_decision_for_every_garbage(string geometry)
    {
        Geometry g = Geometry.FromName(geometry);
        var (heap, space, probes) = HeapWithForeignNeighbours<PoolIndexOracle>(g);
        using (heap)
        {
            int evaluations = 0;
            foreach (ulong p in probes)
            {
                HashSet<bool> answers = AnswersUnderEveryGarbage(heap, p, ref evaluations);
                Assert.True(answers.SetEquals([false]), $"foreign 0x{p:x}: answers {string.Join(",", answers)}");
            }
            output.WriteLine($"{probes.Count} foreign probes, {evaluations} evaluations, {space.SuppressedReadCount} suppressed reads");
            AssertNoErrors(space);
            Assert.True(space.SuppressedReadCount >= probes.Count); // every probe's index bytes were undefined or unaddressable
            Assert.Contains(space.SuppressedReads, r => r.State == ShadowState.Unaddressable);
            Assert.Contains(space.SuppressedReads, r => r.State == ShadowState.Undefined && r.Region?.Kind == AllocationKind.Arena); // tail slack
            Assert.Contains(space.SuppressedReads, r => r.StoredValue != 0 && r.Region?.Placement.StartsWith("InReleasedArena") == true); // stale header

            // Owned block pointers: the header is defined, so nothing is suppressed and garbage cannot matter.
            space.ClearReports();
            foreach (ulong block in LiveBlocks(heap, space).Take(200))
            {
                space.InjectGarbage(uint.MaxValue);
                Assert.True(heap.IsOwned(block));
            }
            Assert.Equal((0L, 0L), (space.ErrorCount, space.SuppressedReadCount));
        }
    }

    [Fact]
    public void The_radix_oracle_answers_the_same_foreign_probes_without_any_index_read()
    {
        var (heap, space, probes) = HeapWithForeignNeighbours<RadixTreeOracle>(Geometry.Classic);
        using (heap)
        {
            foreach (ulong p in probes) Assert.False(heap.IsOwned(p), $"0x{p:x}");
            Assert.Equal((0, 0L, 0L), (space.GetStats().ArenaIndexReads, space.SuppressedReadCount, space.ErrorCount));
        }
    }

    [Fact]
    public void The_garbage_agreement_check_fails_for_an_oracle_without_the_zero_base_check()
    {
        var (heap, space, probes) = HeapWithForeignNeighbours<BrokenPoolIndexOracle<NoZeroBaseCheck>>(Geometry.Classic);
        using (heap)
        {
            ulong low = probes.First(p => p < (ulong)Geometry.Classic.ArenaSize);
            int evaluations = 0;
            Assert.True(AnswersUnderEveryGarbage(heap, low, ref evaluations).SetEquals([false, true]));
            AssertNoErrors(space); // memcheck alone does not see it: only the re-evaluation does
        }
    }

    [Fact]
    public void The_only_suppressed_reads_check_fails_for_an_oracle_that_reads_the_index_twice()
    {
        var (heap, space, probes) = HeapWithForeignNeighbours<IndexReadTwiceOracle>(Geometry.Classic);
        using (heap)
        {
            space.CurrentOperationIndex = 99;
            foreach (ulong p in probes) heap.IsOwned(p);
            Assert.NotEqual(0, space.ErrorCount);
            MemcheckError e = space.Errors[0];
            Assert.Equal(MemoryAccess.ReadUInt32, e.Access);
            Assert.True(e.Kind is MemcheckErrorKind.UninitialisedValue or MemcheckErrorKind.InvalidRead);
            Assert.Equal(99, e.OperationIndex);
        }
    }

    [Fact]
    public void The_no_suppressed_read_check_fails_for_a_radix_oracle_that_also_peeks_at_the_pool()
    {
        var (heap, space, probes) = HeapWithForeignNeighbours<PeekingRadixOracle>(Geometry.Classic);
        using (heap)
        {
            foreach (ulong p in probes) Assert.False(heap.IsOwned(p));
            Assert.NotEqual(0, space.GetStats().ArenaIndexReads);
            Assert.NotEqual(0, space.SuppressedReadCount);
        }
    }

    // ---- pools larger than a page (bpo-37211) -----------------------------------------------------------------

    [Fact]
    public void With_pools_larger_than_a_page_the_classic_oracle_reads_an_unmapped_page()
    {
        Geometry g = Geometry.Modern with { UnsafeAllowPoolHeaderOracleWithPoolsLargerThanPage = true };
        var space = SimulatedAddressSpace.For(g); // 4 KiB pages, 16 KiB pools
        using var heap = new PymallocHeap<SimulatedMemorySpace, PoolIndexOracle, NoHooks>(g, new SimulatedMemorySpace(space));
        heap.Free(heap.Malloc(16)); // one live arena
        space.PlaceNextSystemBlock(ForeignPlacement.OwnPagesAfterGap);
        ulong p = heap.Malloc(64 * 1024); // a large request: the system's, on its own pages after an unmapped gap
        ulong poolBase = p & ~((ulong)g.PoolSize - 1);
        Assert.True(poolBase < p && !space.IsMapped(poolBase));

        space.CurrentOperationIndex = 3;
        Assert.False(heap.IsOwned(p)); // the process would have taken SIGSEGV here
        MemcheckError e = Assert.Single(space.Errors);
        Assert.Equal((MemcheckErrorKind.UnmappedRead, MemoryAccess.ReadArenaIndex, poolBase + PoolHeader.ArenaIndex, 3L),
            (e.Kind, e.Access, e.BadAddress, e.OperationIndex));
        Assert.Empty(space.SuppressedReads); // no suppression can cover a fault
        heap.Free(p);
        Assert.Equal(2, space.Errors.Count);
    }

    [Theory]
    [InlineData("classic", "pool-index")] // pool = page: the pool base is in p's own page
    [InlineData("modern", "radix")]       // the radix tree reads no pool memory at all
    public void The_same_placement_is_harmless_when_the_page_rule_holds_or_the_radix_tree_decides(string geometry, string oracle)
    {
        Geometry g = Geometry.FromName(geometry);
        var space = SimulatedAddressSpace.For(g);
        bool owned;
        ulong p;
        if (oracle == "radix")
        {
            using var heap = new PymallocHeap<SimulatedMemorySpace, RadixTreeOracle, NoHooks>(g, new SimulatedMemorySpace(space));
            heap.Free(heap.Malloc(16));
            space.PlaceNextSystemBlock(ForeignPlacement.OwnPagesAfterGap);
            p = heap.Malloc(64 * 1024);
            owned = heap.IsOwned(p);
            heap.Free(p);
        }
        else
        {
            using var heap = new PymallocHeap<SimulatedMemorySpace, PoolIndexOracle, NoHooks>(g, new SimulatedMemorySpace(space));
            heap.Free(heap.Malloc(16));
            space.PlaceNextSystemBlock(ForeignPlacement.OwnPagesAfterGap);
            p = heap.Malloc(64 * 1024);
            owned = heap.IsOwned(p);
            heap.Free(p);
        }
        Assert.False(owned);
        AssertNoErrors(space);
        Assert.False(space.IsMapped(p - 1)); // the placement really was after a gap
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private static void AssertNoErrors(SimulatedAddressSpace space) =>
        Assert.True(space.ErrorCount == 0, $"{space.ErrorCount} memcheck errors, first: {string.Join("\n", space.Errors.Take(3))}");

    /// <summary>
    /// Every garbage class for a table of <c>n</c> slots: out of range (n, n + 1, uint.MaxValue, 2^31), every
    /// in-range slot (live, released with base 0, never used, the arena adjacent to p), and the stored bytes.
    /// </summary>
    private static HashSet<bool> AnswersUnderEveryGarbage<TOracle>(PymallocHeap<SimulatedMemorySpace, TOracle, NoHooks> heap, ulong p, ref int evaluations)
        where TOracle : struct, IOwnershipOracle
    {
        SimulatedAddressSpace space = heap.Memory.Space;
        uint n = (uint)heap.ArenaTableSnapshot.Length;
        var values = new List<uint> { n, n + 1, uint.MaxValue, 0x8000_0000 };
        for (uint slot = 0; slot < n; slot++) values.Add(slot);
        var answers = new HashSet<bool>();
        foreach (uint garbage in values)
        {
            space.InjectGarbage(garbage);
            answers.Add(heap.IsOwned(p));
            evaluations++;
        }
        space.Garbage = null; // whatever the bytes hold (stale headers included)
        answers.Add(heap.IsOwned(p));
        evaluations++;
        return answers;
    }

    /// <summary>
    /// A heap with live arenas (mixed alignment), released arenas, and unwritten foreign blocks in every adversarial
    /// spot; returns probe pointers into the foreign blocks (base, middle, last byte, the stale pool headers).
    /// </summary>
    private static (PymallocHeap<SimulatedMemorySpace, TOracle, NoHooks> Heap, SimulatedAddressSpace Space, List<ulong> Probes)
        HeapWithForeignNeighbours<TOracle>(Geometry g) where TOracle : struct, IOwnershipOracle
    {
        var policy = new PlacementPolicy(g, seed: 9)
        {
            ArenaChoices = [ArenaPlacement.Unaligned, ArenaPlacement.PageAligned, ArenaPlacement.PoolAligned, ArenaPlacement.ArenaAligned],
        };
        var space = new SimulatedAddressSpace(policy, g.PageSize);
        var heap = new PymallocHeap<SimulatedMemorySpace, TOracle, NoHooks>(g, new SimulatedMemorySpace(space));
        ulong blockSize = (ulong)g.SmallRequestThreshold;
        int perArena = g.MaxPoolsInArena * g.BlocksPerPool(g.SizeClassOf(g.SmallRequestThreshold));
        var first = Enumerable.Range(0, 4 * perArena).Select(_ => heap.Malloc(blockSize)).ToList();
        foreach (ulong b in first) heap.Free(b); // all but the last usable arena are released
        Assert.NotEmpty(space.ReleasedArenas);
        var keep = Enumerable.Range(0, 3 * perArena).Select(_ => heap.Malloc(blockSize)).ToList();
        Assert.True(space.LiveArenas.Count >= 3);

        ulong arenaSize = (ulong)g.ArenaSize, poolSize = (ulong)g.PoolSize;
        var foreign = new List<SimulatedAllocation>();
        void Place(ForeignPlacement how, ulong size, ulong? anchor = null)
        {
            space.PlaceNextSystemBlock(how, anchor);
            heap.Malloc(size); // above the threshold: straight to the system
            foreign.Add(space.LastAllocation!);
        }
        ulong large = blockSize + 16;
        foreach (SimulatedAllocation arena in space.LiveArenas.ToList())
        {
            Place(ForeignPlacement.DirectlyBeforeArena, large, arena.Base);
            Place(ForeignPlacement.DirectlyAfterArena, large, arena.Base);
        }
        Place(ForeignPlacement.InReleasedArena, arenaSize, space.ReleasedArenas.First().Base);
        Place(ForeignPlacement.BelowArenaSize, large);
        Place(ForeignPlacement.NearTop, large);
        Place(ForeignPlacement.Heap, large);
        Place(ForeignPlacement.OwnPagesAfterGap, large);

        var probes = new List<ulong>();
        foreach (SimulatedAllocation f in foreign)
        {
            probes.AddRange([f.Base, f.Base + 8, f.Base + f.Size / 2, f.Last]);
            if (f.Size >= arenaSize)
                for (ulong pool = (f.Base + poolSize - 1) & ~(poolSize - 1); pool + poolSize <= f.Base + f.Size; pool += poolSize)
                    probes.Add(pool + (ulong)g.PoolOverhead); // where a block of the old arena started
        }
        space.ClearReports();
        return (heap, space, probes);
    }

    private static IEnumerable<ulong> LiveBlocks<TOracle>(PymallocHeap<SimulatedMemorySpace, TOracle, NoHooks> heap, SimulatedAddressSpace space)
        where TOracle : struct, IOwnershipOracle
    {
        ulong poolSize = (ulong)heap.Geometry.PoolSize;
        foreach (ArenaObject arena in heap.ArenaTableSnapshot.Where(a => a.Address != 0))
            for (ulong pool = (arena.Address + poolSize - 1) & ~(poolSize - 1); pool < arena.PoolAddress; pool += poolSize)
                if (space.PeekUInt32(pool + PoolHeader.Count) > 0) yield return pool + (ulong)heap.Geometry.PoolOverhead;
    }

    /// <summary>
    /// Random malloc/calloc/realloc/free of small and large sizes; every block is filled with a tag and checked
    /// before it is freed or moved; invariants every 100 operations; everything freed at the end, then Dispose.
    /// </summary>
    private static void Workload<TOracle, THooks>(PymallocHeap<SimulatedMemorySpace, TOracle, THooks> heap, int seed, int ops)
        where TOracle : struct, IOwnershipOracle where THooks : struct, IHeapHooks
    {
        var rng = new SplitMix64((ulong)seed);
        SimulatedAddressSpace space = heap.Memory.Space;
        var live = new List<(ulong Address, ulong Size, byte Tag)>();
        ulong threshold = (ulong)heap.Geometry.SmallRequestThreshold;
        ulong NextSize() => rng.NextInt(10) switch
        {
            < 7 => (ulong)rng.NextInt(1, (int)threshold + 1),
            < 9 => (ulong)rng.NextInt((int)threshold + 1, 4 * (int)threshold),
            _ => 0,
        };
        void Check(ulong address, ulong size, byte tag)
        {
            if (size == 0) return;
            var bytes = new byte[Math.Min(size, 4096UL)];
            space.ReadBytes(address, bytes); // a checked read: undefined or freed bytes would be reported
            Assert.True(bytes.All(b => b == tag), $"block 0x{address:x} lost its contents");
        }
        for (int op = 0; op < ops; op++)
        {
            space.CurrentOperationIndex = op;
            int what = rng.NextInt(10);
            if (what < 4 || live.Count == 0)
            {
                ulong size = NextSize();
                bool zeroed = rng.NextInt(4) == 0;
                ulong p = zeroed ? heap.Calloc(1, size) : heap.Malloc(size);
                Assert.NotEqual(0UL, p);
                if (zeroed) Check(p, size, 0);
                byte tag = (byte)rng.NextInt(1, 256);
                heap.Memory.Fill(p, tag, size);
                live.Add((p, size, tag));
            }
            else if (what < 6)
            {
                int i = rng.NextInt(live.Count);
                var (p, size, tag) = live[i];
                ulong n = NextSize();
                ulong q = heap.Realloc(p, n);
                Assert.NotEqual(0UL, q);
                Check(q, Math.Min(size, n), tag);
                byte fresh = (byte)rng.NextInt(1, 256);
                heap.Memory.Fill(q, fresh, n);
                live[i] = (q, n, fresh);
            }
            else
            {
                int i = rng.NextInt(live.Count);
                var (p, size, tag) = live[i];
                Check(p, size, tag);
                heap.Free(p);
                live.RemoveAt(i);
            }
            if (op % 100 == 0) heap.CheckInvariants();
        }
        foreach (var (p, size, tag) in live)
        {
            Check(p, size, tag);
            heap.Free(p);
        }
        heap.CheckInvariants();
        heap.Dispose();
    }
}
