using PymallocVerify.Allocator;
using PymallocVerify.Properties;
using PymallocVerify.SeededBugs.Oracles;
using Xunit.Abstractions;

namespace PymallocVerify.Proofs.Tests;

/// <summary>
/// The compiled Classic.dfy decision beside a classic oracle, on one table and a few addresses, with nothing else
/// judging: the production oracle passes, and each broken classic oracle of the seeded-bug catalog (SeededBugs/Oracles/) disagrees with the
/// verified decision at the lemma it breaks.
/// </summary>
public class ClassicAgreementTests(ITestOutputHelper output)
{
    private static readonly Geometry Micro = PropertyGeometries.Micro; // 256-byte pools, 1 KiB arenas
    private const ulong ArenaSize = 1024;
    private const ulong First = 0x7f00_0000_0010; // not pool-aligned: the head and tail of an unaligned arena
    private const ulong Second = First + ArenaSize; // touching the first: only the exact bound separates them

    /// <summary>16 slots: two touching live arenas, a released slot (base 0), and never-used slots.</summary>
    private static ArenaObject[] Table()
    {
        var table = new ArenaObject[16];
        table[0].Address = First;
        table[1].Address = Second;
        return table;
    }

    /// <summary>Foreign addresses: 0, one below the first arena, the byte past the second; and owned ones.</summary>
    private static readonly ulong[] Foreign = [0, 0x10, First - 1, Second + ArenaSize, ulong.MaxValue];
    private static readonly ulong[] Owned = [First, First + 0xF0, Second - 1, Second, Second + ArenaSize - 1];

    [Fact]
    public void The_production_classic_oracle_agrees_with_the_verified_decision_on_every_garbage_value()
    {
        var oracle = new VerifiedClassicCheck<PoolIndexOracle>();
        oracle.Initialize(Micro);
        foreach (ulong p in Foreign.Concat(Owned))
            foreach (uint stored in new uint[] { 0, 1, 2, 16, uint.MaxValue })
                Ask(ref oracle, p, stored);
        output.WriteLine($"{oracle.Decisions} decisions compared");
        Assert.Equal(Foreign.Length + Owned.Length, oracle.Decisions / (5 * (16 + 2 + 2 + 1)));
    }

    public static TheoryData<string, string[]> SeededBugs => new()
    {
        { "no-bound-check", ["Lemma 1"] },
        { "no-zero-base-check", ["Lemmas 2 and 3"] },
        { "inclusive-bound", ["Lemma 4"] },
        { "signed-subtraction", ["Lemma 5"] },
        { "no-range-check", ["Lemma 4", "Lemma 5"] },
    };

    [Theory]
    [MemberData(nameof(SeededBugs))]
    public void A_seeded_classic_bug_disagrees_with_the_verified_decision_at_the_lemma_it_breaks(string bug, string[] lemmas)
    {
        // Each question is compared under every garbage value, so a bug shows at the first address it gets wrong for
        // some value, whatever the header holds (here a never-used slot's index).
        List<string> disagreements = bug switch
        {
            "no-bound-check" => Disagreements<NoBoundCheck>(),
            "no-zero-base-check" => Disagreements<NoZeroBaseCheck>(),
            "inclusive-bound" => Disagreements<InclusiveBound>(),
            "signed-subtraction" => Disagreements<SignedSubtraction>(),
            "no-range-check" => Disagreements<NoRangeCheck>(),
            _ => throw new ArgumentException(bug),
        };
        foreach (string d in disagreements) output.WriteLine(d);
        foreach (string lemma in lemmas)
            Assert.Contains(disagreements, d => d.Contains($"the case of {lemma}", StringComparison.Ordinal));
    }

    private static List<string> Disagreements<TRule>() where TRule : struct, IIndexRule
    {
        var oracle = new VerifiedClassicCheck<BrokenPoolIndexOracle<TRule>>();
        oracle.Initialize(Micro);
        var found = new List<string>();
        foreach (ulong p in Foreign)
        {
            try
            {
                Ask(ref oracle, p, stored: 2);
            }
            catch (VerifiedDisagreementException e)
            {
                found.Add(e.Message);
            }
        }
        return found;
    }

    private static void Ask<TOracle>(ref TOracle oracle, ulong p, uint stored) where TOracle : struct, IOwnershipOracle
    {
        var memory = new StoredIndexMemory(stored);
        NoHooks hooks = default;
        oracle.IsOwned(ref memory, ref hooks, Table(), p);
    }

    [Fact]
    public void The_verified_rules_accept_exactly_the_geometries_Validate_accepts()
    {
        int accepted = 0, refused = 0;
        int[] powers = [16, 64, 128, 256, 512, 1024, 4096, 16384, 65536, 1 << 20];
        foreach (int alignment in new[] { 4, 8, 16, 24 })
        foreach (int pool in powers.Append(3000))
        foreach (int arena in powers.Where(a => a >= 256).Append(1 << 30).Append(100_000))
        foreach (int threshold in new[] { 16, 96, 100, 512, 1024 })
        foreach (int page in new[] { 256, 4096, 5000 })
        foreach (bool waiver in new[] { false, true })
        foreach (OracleKind oracle in new[] { OracleKind.PoolIndex, OracleKind.RadixTree })
        {
            var g = new Geometry
            {
                Name = "sweep", Alignment = alignment, PoolSize = pool, ArenaSize = arena, SmallRequestThreshold = threshold,
                PageSize = page, UnsafeAllowPoolHeaderOracleWithPoolsLargerThanPage = waiver,
            };
            bool validates;
            try
            {
                g.Validate(oracle);
                validates = true;
            }
            catch (ArgumentException)
            {
                validates = false;
            }
            Assert.True(validates == VerifiedDecisions.Accepted(g, oracle), $"{g} with {oracle}: Validate {validates}");
            if (validates) accepted++; else refused++;
        }
        output.WriteLine($"{accepted} geometries accepted, {refused} refused, by both");
        Assert.True(accepted > 1000);
    }

    [Fact]
    public void The_verified_pool_base_is_the_production_mask_for_every_power_of_two_pool()
    {
        var random = new SplitMix64(20261207);
        for (int bits = 0; bits < 64; bits++)
        {
            ulong pool = 1UL << bits;
            foreach (ulong p in new[] { 0UL, pool - 1, pool, ulong.MaxValue, random.Next(), random.Next(), random.Next() })
                Assert.Equal(p & ~(pool - 1), VerifiedDecisions.PoolBase(p, pool));
        }
    }

    /// <summary>A pool header holding one stored index; the classic oracle reads nothing else.</summary>
    private readonly struct StoredIndexMemory(uint index) : IMemorySpace
    {
        public uint ReadArenaIndex(ulong address) => index;
        public ulong AllocateArena(ulong size) => throw new NotSupportedException();
        public void FreeArena(ulong address, ulong size) => throw new NotSupportedException();
        public ulong SystemMalloc(ulong size) => throw new NotSupportedException();
        public ulong SystemCalloc(ulong count, ulong size) => throw new NotSupportedException();
        public ulong SystemRealloc(ulong address, ulong size) => throw new NotSupportedException();
        public void SystemFree(ulong address) => throw new NotSupportedException();
        public ulong ReadUInt64(ulong address) => throw new NotSupportedException();
        public void WriteUInt64(ulong address, ulong value) => throw new NotSupportedException();
        public uint ReadUInt32(ulong address) => throw new NotSupportedException();
        public void WriteUInt32(ulong address, uint value) => throw new NotSupportedException();
        public void Copy(ulong destination, ulong source, ulong count) => throw new NotSupportedException();
        public void Fill(ulong destination, byte value, ulong count) => throw new NotSupportedException();
    }
}
