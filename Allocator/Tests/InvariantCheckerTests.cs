using PymallocVerify.Allocator;

namespace PymallocVerify.Allocator.Tests;

/// <summary>The invariant checker has teeth: each test corrupts one structure and requires the rule's name.</summary>
public class InvariantCheckerTests
{
    private readonly PymallocHeap<TestArenaMemory, PoolIndexOracle, NoHooks> _heap =
        TestHeaps.Create(Geometry.Tiny, new ArenaLedger());

    private (ulong PoolA, ulong PoolB, List<ulong> Blocks) TwoUsedPoolsOfClass0()
    {
        var blocks = Enumerable.Range(0, 16).Select(_ => _heap.Malloc(16)).ToList(); // 13 fill pool A, 3 in pool B
        _heap.Free(blocks[0]);                                                      // A back on the used list
        _heap.CheckInvariants();
        return (blocks[0] & ~255UL, blocks[15] & ~255UL, blocks);
    }

    private void AssertBroken(string invariant)
    {
        var e = Assert.Throws<HeapInvariantException>(_heap.CheckInvariants);
        Assert.Equal(invariant, e.Invariant);
        Assert.Contains(invariant, e.Message);
    }

    // ---- The table: one corruption per rule the walk checks, each reported by name and with its exact detail ----

    /// <summary>A scene (a small heap state), one piece of its bookkeeping broken, and the report it must give.</summary>
    public sealed record Corruption(string Name, string Invariant, Func<InvariantCheckerTests, string> Break);

    private ArenaObject[] Slots => _heap.ArenaTableSnapshot;
    private ulong Arena0 => Slots[0].Address;

    private void SetCount(ulong pool, uint value) => _heap.Memory.WriteUInt32(pool + PoolHeader.Count, value);
    private void SetField(ulong pool, int field, uint value) => _heap.Memory.WriteUInt32(pool + (ulong)field, value);
    private void SetLink(ulong pool, int field, ulong value) => _heap.Memory.WriteUInt64(pool + (ulong)field, value);

    private void SetUsedPoolHead(int sizeClass, ulong pool) => TestHeaps.SetUsedPoolHead(_heap, sizeClass, pool);

    /// <summary>Pool B of <see cref="TwoUsedPoolsOfClass0"/> emptied onto arena 0's free pools; pool A still used.</summary>
    private (ulong PoolA, ulong PoolB) AnEmptyPoolOnTheArenaFreeList()
    {
        var (poolA, poolB, blocks) = TwoUsedPoolsOfClass0();
        foreach (var b in blocks.Skip(13)) _heap.Free(b);
        _heap.CheckInvariants();
        return (poolA, poolB);
    }

    /// <summary>Pool A full (on no list), pool B used and alone on usedpools[0].</summary>
    private (ulong PoolA, ulong PoolB) AFullPoolAndAUsedOne()
    {
        var blocks = Enumerable.Range(0, 16).Select(_ => _heap.Malloc(16)).ToList();
        _heap.CheckInvariants();
        return (blocks[0] & ~255UL, blocks[15] & ~255UL);
    }

    /// <summary>Slot 0's arena with one free pool, slot 1's with three: usable_arenas is 0 then 1.</summary>
    private void TwoUsableArenas()
    {
        var blocks = Enumerable.Range(0, 13).Select(_ => _heap.Malloc(64)).ToList(); // 3 per pool: 4 pools, then arena 1
        foreach (var b in blocks.Take(3)) _heap.Free(b);                            // arena 0's first pool empties
        _heap.CheckInvariants();
        Assert.Equal([0, 1], new[] { _heap.UsableArenasHead, Slots[0].NextArena });
    }

    /// <summary>A block of system memory holding <paramref name="count"/> fake pool headers of one class, 64 bytes apart.</summary>
    private List<ulong> FakePools(int count, uint sizeClass)
    {
        ulong block = _heap.Malloc((ulong)count * 64 + 64); // above the 64-byte threshold: system memory, readable by the walk
        var pools = Enumerable.Range(0, count).Select(i => block + (ulong)i * 64).ToList();
        foreach (var p in pools) SetField(p, PoolHeader.SizeClass, sizeClass);
        return pools;
    }

    public static TheoryData<string> CorruptionNames => [.. Corruptions.Select(c => c.Name)];

    private static readonly Corruption[] Corruptions =
    [
        // (a) unused_arena_objects: slots 1..15 in order after TwoUsedPoolsOfClass0
        new("unused link past the table", "unused-list", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[15].NextArena = 16; return "link to slot 16 outside the table of 16"; }),
        new("unused link below the table", "unused-list", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[15].NextArena = -2; return "link to slot -2 outside the table of 16"; }),
        new("unused list cycle", "unused-list", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[15].NextArena = 1; return "cycle through slot 1"; }),
        new("live slot on the unused list", "unused-list", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[1].NextArena = 0; return $"slot 0 is on the unused list but has address 0x{t.Arena0:x}"; }),
        new("empty slot off the unused list", "unused-list", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[14].NextArena = None; return "slot 15 has address 0 but is not on the unused list"; }),
        new("a live slot not counted", "arena-count", t =>
        {
            t.TwoUsedPoolsOfClass0();
            t.Slots[4].NextArena = 6; // slot 5 leaves the unused list and gets an address: live, but not counted
            t.Slots[5].Address = t.Arena0;
            return "2 live slots but 1 arenas counted as allocated";
        }),
        // (b) usable_arenas: slot 0 alone after TwoUsedPoolsOfClass0
        new("usable link past the table", "usable-arenas", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[0].NextArena = 16; return "link to slot 16 outside the table of 16"; }),
        new("usable link below the table", "usable-arenas", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[0].NextArena = -2; return "link to slot -2 outside the table of 16"; }),
        new("usable list cycle", "usable-arenas", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[0].NextArena = 0; return "cycle through slot 0"; }),
        new("usable slot without an arena", "usable-arenas", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[0].NextArena = 1; return "slot 1 is usable but has no arena"; }),
        new("usable prevarena wrong", "usable-arenas", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[0].PrevArena = 3; return "slot 0.prevarena is 3, expected -1"; }),
        new("usable arena without a free pool", "usable-arenas", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[0].NFreePools = 0; return "slot 0 is usable with no free pool"; }),
        new("usable arena with one free pool more than an arena has", "usable-arenas", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[0].NFreePools = 5; return "slot 0 is usable with 5 free pools, more than an arena's 4"; }),
        new("usable arena whose free pool count wrapped", "usable-arenas", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[0].NFreePools = uint.MaxValue; return "slot 0 is usable with 4294967295 free pools, more than an arena's 4"; }),
        new("usable arenas out of order", "usable-arenas-order", t =>
        { t.TwoUsableArenas(); t.Slots[0].NFreePools = 4; return "slot 0 (4 free pools) precedes slot 1 (3)"; }),
        new("arena with free pools off usable_arenas", "usable-arenas", t =>
        { t.TwoUsableArenas(); t.Slots[0].NextArena = None; return "slot 1 has 3 free pools but is not in usable_arenas"; }),
        // (c) nfp2lasta
        new("free pool count off by one", "nfp2lasta", t =>
        {
            t.TwoUsedPoolsOfClass0();
            t.Slots[0].NFreePools += 1;
            return "nfp2lasta[2] = 0, but the rightmost usable arena with 2 free pools is -1";
        }),
        // (d) usedpools lists: A then B on usedpools[0] after TwoUsedPoolsOfClass0
        new("used pool of another class", "used-pool-class", t =>
        {
            var (a, _, _) = t.TwoUsedPoolsOfClass0();
            t.SetField(a, PoolHeader.SizeClass, 1);
            return $"pool 0x{a:x} on usedpools[0] has szidx 1";
        }),
        new("used pool list broken back link", "used-pool-list", t =>
        {
            var (a, _, _) = t.TwoUsedPoolsOfClass0();
            t.SetLink(a, PoolHeader.NextPool, a); // A.next = A, but A.prev is still B
            return $"usedpools[0]: 0x{a:x}.prevpool does not point back to 0x{a:x}";
        }),
        new("used pool list with a null link", "used-pool-list", t =>
        {
            var (a, _, _) = t.TwoUsedPoolsOfClass0();
            t.SetLink(a, PoolHeader.NextPool, 0);
            return $"usedpools[0]: 0x{a:x}.nextpool is null";
        }),
        new("used pool on two lists", "used-pool-list", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetUsedPoolHead(1, b);
            return $"pool 0x{b:x} is on usedpools[1] twice or on two lists";
        }),
        new("used pool list that never closes", "used-pool-list", t =>
        {
            t.TwoUsedPoolsOfClass0();
            var fakes = t.FakePools(80, 2); // a chain longer than the 16 × 4 pools the table can hold, never back to its head
            for (int i = 0; i + 1 < fakes.Count; i++)
            {
                t.SetLink(fakes[i], PoolHeader.NextPool, fakes[i + 1]);
                t.SetLink(fakes[i + 1], PoolHeader.PrevPool, fakes[i]);
            }
            t.SetUsedPoolHead(2, fakes[0]);
            return "usedpools[2] does not close into a circle";
        }),
        new("used pool outside every arena", "used-pool-in-arena", t =>
        {
            t.TwoUsedPoolsOfClass0();
            ulong fake = t.FakePools(1, 2)[0];
            t.SetLink(fake, PoolHeader.NextPool, fake);
            t.SetLink(fake, PoolHeader.PrevPool, fake);
            t.SetUsedPoolHead(2, fake);
            return "3 pools are on usedpools lists but only 2 used pools lie in live arenas";
        }),
        // (1),(2) one arena: slot 0, aligned, 4 pools of which A and B are carved
        new("arena pool total wrong", "arena-ntotalpools", t =>
        { t.TwoUsedPoolsOfClass0(); t.Slots[0].NTotalPools = 3; return "slot 0: ntotalpools 3, expected 4"; }),
        new("arena pool address misaligned", "arena-pool-address", t =>
        {
            t.TwoUsedPoolsOfClass0();
            ulong wrong = t.Slots[0].PoolAddress + 8;
            t.Slots[0].PoolAddress = wrong;
            return $"slot 0: pool_address 0x{wrong:x} is not one of the 5 pool boundaries from 0x{t.Arena0:x}";
        }),
        new("arena pool address past the arena", "arena-pool-address", t =>
        {
            t.TwoUsedPoolsOfClass0();
            ulong wrong = t.Arena0 + 5 * 256;
            t.Slots[0].PoolAddress = wrong;
            return $"slot 0: pool_address 0x{wrong:x} is not one of the 5 pool boundaries from 0x{t.Arena0:x}";
        }),
        new("free pool misaligned", "arena-freepools", t =>
        {
            t.TwoUsedPoolsOfClass0();
            t.Slots[0].FreePools = t.Arena0 + 8;
            return $"slot 0: free pool 0x{t.Arena0 + 8:x} is not a carved pool of this arena";
        }),
        new("free pool never carved", "arena-freepools", t =>
        {
            t.TwoUsedPoolsOfClass0();
            t.Slots[0].FreePools = t.Arena0 + 2 * 256;
            return $"slot 0: free pool 0x{t.Arena0 + 512:x} is not a carved pool of this arena";
        }),
        new("free pool list cycle", "arena-freepools", t =>
        {
            var (_, b) = t.AnEmptyPoolOnTheArenaFreeList();
            t.SetLink(b, PoolHeader.NextPool, b);
            return $"slot 0: cycle through free pool 0x{b:x}";
        }),
        new("empty pool lost from the free pools", "arena-nfreepools", t =>
        {
            t.AnEmptyPoolOnTheArenaFreeList();
            t.Slots[0].FreePools = 0;
            return "slot 0: nfreepools 3, but 0 empty + 2 never-carved pools";
        }),
        new("pool of another arena", "pool-arena-index", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetField(b, PoolHeader.ArenaIndex, 7);
            return $"pool 0x{b:x} in slot 0's arena records arena index 7";
        }),
        new("free pool in use", "pool-empty", t =>
        {
            var (_, b) = t.AnEmptyPoolOnTheArenaFreeList();
            t.SetCount(b, 1);
            return $"pool 0x{b:x}: count 1 but on its arena's free pools";
        }),
        new("empty pool not on the free pools", "pool-empty", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetCount(b, 0);
            return $"pool 0x{b:x}: count 0 but not on its arena's free pools";
        }),
        new("pool size class out of range", "pool-size-class", t =>
        {
            var (_, b) = t.AnEmptyPoolOnTheArenaFreeList();
            t.SetField(b, PoolHeader.SizeClass, 9);
            return $"pool 0x{b:x} has szidx 9";
        }),
        new("pool size class one past the last", "pool-size-class", t =>
        {
            var (_, b) = t.AnEmptyPoolOnTheArenaFreeList();
            t.SetField(b, PoolHeader.SizeClass, 4); // tiny has classes 0..3
            return $"pool 0x{b:x} has szidx 4";
        }),
        new("full pool left as freshly carved", "pool-size-class", t =>
        {
            var (a, _) = t.AFullPoolAndAUsedOne(); // a pool is initialised in the allocation that carves it: no check sees it fresh
            t.SetField(a, PoolHeader.SizeClass, PoolHeader.FreshSizeClass);
            return $"pool 0x{a:x} has szidx 65535";
        }),
        new("used pool off its list", "used-pool-list", t =>
        {
            var (a, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetLink(a, PoolHeader.NextPool, a); // A becomes a circle of itself: B drops out
            t.SetLink(a, PoolHeader.PrevPool, a);
            return $"used pool 0x{b:x} (count 3) is not on usedpools[0]";
        }),
        new("full pool on a used list", "used-pool-list", t =>
        {
            var (a, b) = t.AFullPoolAndAUsedOne();
            t.SetLink(b, PoolHeader.NextPool, a);
            t.SetLink(a, PoolHeader.PrevPool, b);
            t.SetLink(a, PoolHeader.NextPool, b);
            t.SetLink(b, PoolHeader.PrevPool, a);
            return $"full pool 0x{a:x} is on a usedpools list";
        }),
        // (3),(e) one pool's offsets and free list. B: count 3, nextoffset 112 (4 blocks carved), one free block at 96
        new("pool maxnextoffset wrong", "pool-maxnextoffset", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetField(b, PoolHeader.MaxNextOffset, 0);
            return $"pool 0x{b:x}: maxnextoffset 0, expected 240";
        }),
        new("pool nextoffset inside the header", "pool-nextoffset", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetField(b, PoolHeader.NextOffset, 40);
            return $"pool 0x{b:x}: nextoffset 40 is not 48 + k·16 with k ≤ 13";
        }),
        new("pool nextoffset off a block boundary", "pool-nextoffset", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetField(b, PoolHeader.NextOffset, 50);
            return $"pool 0x{b:x}: nextoffset 50 is not 48 + k·16 with k ≤ 13";
        }),
        new("pool nextoffset past the pool", "pool-nextoffset", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetField(b, PoolHeader.NextOffset, 48 + 14 * 16);
            return $"pool 0x{b:x}: nextoffset 272 is not 48 + k·16 with k ≤ 13";
        }),
        new("pool count above the blocks carved", "pool-count", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetField(b, PoolHeader.NextOffset, 48); // no block carved, 3 counted
            return $"pool 0x{b:x}: count 3 exceeds the 0 blocks carved";
        }),
        new("used pool with no free block", "pool-full", t =>
        {
            var (a, _, _) = t.TwoUsedPoolsOfClass0();
            t.SetLink(a, PoolHeader.FreeBlock, 0);
            return $"pool 0x{a:x}: count 12 of 13 blocks, freeblock null";
        }),
        new("full pool with a free block", "pool-full", t =>
        {
            var (a, _) = t.AFullPoolAndAUsedOne();
            t.SetLink(a, PoolHeader.FreeBlock, a + 48);
            return $"pool 0x{a:x}: count 13 of 13 blocks, freeblock not null";
        }),
        new("free block inside the header", "free-list", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetLink(b, PoolHeader.FreeBlock, b + 16);
            return $"pool 0x{b:x}: free block 0x{b + 16:x} (offset 16) is not a carved block boundary below nextoffset 112";
        }),
        new("free block never carved", "free-list", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetLink(b, PoolHeader.FreeBlock, b + 112);
            return $"pool 0x{b:x}: free block 0x{b + 112:x} (offset 112) is not a carved block boundary below nextoffset 112";
        }),
        new("free block off a block boundary", "free-list", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetLink(b, PoolHeader.FreeBlock, b + 56);
            return $"pool 0x{b:x}: free block 0x{b + 56:x} (offset 56) is not a carved block boundary below nextoffset 112";
        }),
        new("free block listed twice", "free-list", t =>
        {
            var (a, _, blocks) = t.TwoUsedPoolsOfClass0();
            t._heap.Memory.WriteUInt64(blocks[0], blocks[0]);
            return $"pool 0x{a:x}: block 0x{blocks[0]:x} is on the free list twice";
        }),
        new("pool count off by one", "free-list-length", t =>
        {
            var (_, b, _) = t.TwoUsedPoolsOfClass0();
            t.SetCount(b, 2);
            return $"pool 0x{b:x}: 1 free + 2 in use != 4 carved blocks";
        }),
    ];

    private const int None = -1;

    [Theory]
    [MemberData(nameof(CorruptionNames))]
    public void Each_corruption_is_reported_with_its_rule_and_detail(string name)
    {
        var corruption = Corruptions.Single(c => c.Name == name);
        string detail = corruption.Break(this);
        var e = Assert.Throws<HeapInvariantException>(_heap.CheckInvariants);
        Assert.Equal((corruption.Invariant, detail), (e.Invariant, e.Detail));
        Assert.Equal($"invariant '{corruption.Invariant}' broken: {detail}", e.Message);
    }

    [Fact]
    public void A_heap_whose_every_pool_of_a_full_arena_table_is_on_a_used_list_keeps_the_rules()
    {
        // 16 arenas fill the first table of 16 slots; 3 64-byte blocks fill a pool, so one freed block per pool
        // leaves all 64 pools used and listed: as many listed pools as the table can hold, which is no broken circle.
        var blocks = Enumerable.Range(0, 16 * 4 * 3).Select(_ => _heap.Malloc(64)).ToList();
        Assert.Equal((16, 16), (_heap.LiveArenaCount, Slots.Length));
        foreach (ulong b in blocks.Where((_, i) => i % 3 == 0)) _heap.Free(b);
        _heap.CheckInvariants();
    }

    [Fact]
    public void The_heap_check_runs_its_oracle_rules_too()
    {
        // The seeded bug leaves a radix leaf out of range and changes no answer: only the oracle's own rules see it.
        using var heap = new PymallocHeap<TestArenaMemory, Radix.RadixTreeOracle, SeededBugs.Hooks.RadixLastLeafNotZeroedHooks>(
            Geometry.Tiny, new TestArenaMemory(new OffsetArenas(0, new ArenaLedger())));
        heap.Free(heap.Malloc(16));
        var e = Assert.Throws<HeapInvariantException>(heap.CheckInvariants);
        Assert.Equal("radix-tail-range", e.Invariant);
    }
}
