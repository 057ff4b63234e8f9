using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Properties;
using PymallocVerify.SeededBugs.Oracles;
using Xunit.Abstractions;

namespace PymallocVerify.Proofs.Tests;

/// <summary>
/// The compiled Radix.dfy arena map beside a radix oracle through marks and unmarks: aligned and unaligned arenas, arenas
/// touching, spans that cross a leaf, a leaf chunk and a bottom node, and the top of the address space. The port agrees
/// on every answer and every leaf; seeded bugs disagree.
/// </summary>
public class RadixAgreementTests(ITestOutputHelper output)
{
    public static TheoryData<string> Geometries => new() { "micro", "modern" };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void The_port_and_the_verified_map_agree_on_every_answer_and_leaf_through_random_marks_and_unmarks(string geometry)
    {
        Geometry g = PropertyGeometries.FromName(geometry);
        var oracle = new VerifiedRadixCheck<RadixTreeOracle>();
        oracle.Initialize(g);
        long probes = Churn(ref oracle, g, seed: 20261207, steps: 400);
        output.WriteLine($"{probes} probes, {oracle.Decisions} answers and leaves compared");
        Assert.Equal(probes, oracle.Decisions);
    }

    [Fact]
    public void A_radix_oracle_that_keeps_a_released_arena_disagrees_with_the_verified_map()
    {
        var oracle = new VerifiedRadixCheck<KeepsReleasedArenas>();
        oracle.Initialize(PropertyGeometries.Micro);
        var e = Assert.Throws<VerifiedDisagreementException>(() => Churn(ref oracle, PropertyGeometries.Micro, seed: 1, steps: 400));
        output.WriteLine(e.Message);
        Assert.Contains("KeepsReleasedArenas answered true, the verified IsUsed false", e.Message);
    }

    [Fact]
    public void A_radix_oracle_that_misses_the_first_byte_of_an_arena_disagrees_with_the_verified_map()
    {
        var oracle = new VerifiedRadixCheck<RadixMissesArenaStartOracle>();
        oracle.Initialize(PropertyGeometries.Micro);
        var e = Assert.Throws<VerifiedDisagreementException>(() => Churn(ref oracle, PropertyGeometries.Micro, seed: 1, steps: 400));
        output.WriteLine(e.Message);
        Assert.Contains("RadixMissesArenaStartOracle answered false, the verified IsUsed true", e.Message);
    }

    [Fact]
    public void The_port_splits_the_radix_key_into_exactly_the_bits_above_the_arena()
    {
        // Radix_KeySplitLosesNothing's precondition: the key (64 − ARENA_BITS bits) fits the root, mid and bottom digits.
        for (int bits = 1; bits < 32; bits++)
        {
            var layout = new ArenaMapLayout(bits);
            Assert.Equal(64 - bits, layout.TopBits + layout.MidBits + layout.BottomBits);
            Assert.Equal(layout.MidShift + layout.MidBits, layout.TopShift);
        }
    }

    /// <summary>
    /// Marks and unmarks arenas placed to hit every encoding case, and after each step asks about the bytes around each
    /// arena marked so far (live or not) and around its spans' boundaries. Returns the number of questions.
    /// </summary>
    private static long Churn<TOracle>(ref TOracle oracle, Geometry g, ulong seed, int steps) where TOracle : struct, IOwnershipOracle
    {
        ulong a = (ulong)g.ArenaSize;
        ulong leafChunk = a << 9;                               // 512 leaves: ArenaMap's leaf chunk
        ulong bottomNode = a << new ArenaMapLayout(g.ArenaBits).BottomBits;
        var random = new SplitMix64(seed);
        var live = new List<ulong>();
        var seen = new List<ulong>();
        NoHooks hooks = default;
        long probes = 0;
        for (int step = 0; step < steps; step++)
        {
            if (live.Count > 0 && random.Chance(40))
            {
                int i = random.NextInt(live.Count);
                oracle.OnArenaRemoved(live[i], ref hooks);
                live.RemoveAt(i);
            }
            else
            {
                ulong b = Candidate(ref random, a, leafChunk, bottomNode);
                if (b != 0 && b + (a - 1) >= b && live.TrueForAll(c => b - c >= a && c - b >= a)) // unsigned: c + a may wrap to 0
                {
                    oracle.OnArenaAdded(b, ref hooks);
                    live.Add(b);
                    seen.Add(b);
                }
            }
            foreach (ulong b in seen.TakeLast(12))
            {
                ulong span = b - b % a;
                foreach (ulong p in new[] { b - 1, b, b + 1, b + a - 1, b + a, span, span + a - 1, span + a, span + 2 * a - 1 })
                {
                    var none = default(NoMemory);
                    oracle.IsOwned(ref none, ref hooks, [], p);
                    probes++;
                }
            }
        }
        return probes;
    }

    private static ulong Candidate(ref SplitMix64 random, ulong a, ulong leafChunk, ulong bottomNode)
    {
        ulong region = 0x7f00_0000_0000UL + (random.Below(4) * bottomNode); // a few bottom nodes, two sharing a root index
        return random.NextInt(7) switch
        {
            0 => region + random.Below(64) * a,                               // ARENA_SIZE-aligned
            1 => region + random.Below(64) * a + 16 * (1 + random.Below(a / 16 - 1)), // unaligned: two leaves
            2 => region + leafChunk - 16 * (1 + random.Below(a / 16 - 1)),  // unaligned across a leaf-chunk boundary
            3 => region + bottomNode - 16 * (1 + random.Below(a / 16 - 1)), // unaligned across a bottom-node boundary
            4 => ulong.MaxValue - a + 1,                                     // ends at 2^64: no next span
            5 => ulong.MaxValue - a - 15,                                    // unaligned, ends 16 bytes below 2^64
            _ => 16 * (1 + random.Below(a / 16)),                            // near address 0
        };
    }

    /// <summary>The radix oracle reads no memory.</summary>
    private struct NoMemory : IMemorySpace
    {
        public readonly uint ReadArenaIndex(ulong address) => throw new NotSupportedException();
        public readonly ulong AllocateArena(ulong size) => throw new NotSupportedException();
        public readonly void FreeArena(ulong address, ulong size) => throw new NotSupportedException();
        public readonly ulong SystemMalloc(ulong size) => throw new NotSupportedException();
        public readonly ulong SystemCalloc(ulong count, ulong size) => throw new NotSupportedException();
        public readonly ulong SystemRealloc(ulong address, ulong size) => throw new NotSupportedException();
        public readonly void SystemFree(ulong address) => throw new NotSupportedException();
        public readonly ulong ReadUInt64(ulong address) => throw new NotSupportedException();
        public readonly void WriteUInt64(ulong address, ulong value) => throw new NotSupportedException();
        public readonly uint ReadUInt32(ulong address) => throw new NotSupportedException();
        public readonly void WriteUInt32(ulong address, uint value) => throw new NotSupportedException();
        public readonly void Copy(ulong destination, ulong source, ulong count) => throw new NotSupportedException();
        public readonly void Fill(ulong destination, byte value, ulong count) => throw new NotSupportedException();
    }
}

/// <summary>Seeded bug: releasing an arena leaves the tree as it was.</summary>
public struct KeepsReleasedArenas : IOwnershipOracle
{
    private RadixTreeOracle _radix;

    public static OracleKind Kind => OracleKind.RadixTree;
    public void Initialize(Geometry geometry) => _radix.Initialize(geometry);
    public readonly void OnArenaAdded<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks => _radix.OnArenaAdded(arenaBase, ref hooks);
    public readonly void OnArenaRemoved<THooks>(ulong arenaBase, ref THooks hooks) where THooks : struct, IHeapHooks { }
    public readonly void CheckInvariants(ArenaObject[] arenas, ulong arenaSize) { }

    public readonly bool IsOwned<TMemory, THooks>(ref TMemory memory, ref THooks hooks, ArenaObject[] arenas, ulong address)
        where TMemory : struct, IMemorySpace where THooks : struct, IHeapHooks =>
        _radix.IsOwned(ref memory, ref hooks, arenas, address);
}
