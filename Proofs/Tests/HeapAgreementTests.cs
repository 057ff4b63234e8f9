using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Model;
using PymallocVerify.Properties;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;
using PymallocVerify.SeededBugs.Oracles;
using Xunit.Abstractions;

namespace PymallocVerify.Proofs.Tests;

/// <summary>
/// The verified procedures inside running heaps: the production heap answers every question exactly as they do, and in
/// the property runner's differential pair a seeded classic bug fails the case on the agreement alone.
/// </summary>
public class HeapAgreementTests(ITestOutputHelper output)
{
    [Fact]
    public void Both_production_oracles_answer_every_question_of_a_real_heap_as_the_verified_procedures_do()
    {
        Geometry micro = PropertyGeometries.Micro;
        using var classic = new PymallocHeap<NativeMemorySpace, VerifiedClassicCheck<PoolIndexOracle>, NoHooks>(micro, checks: HeapCheckLevel.Full);
        using var radix = new PymallocHeap<NativeMemorySpace, VerifiedRadixCheck<RadixTreeOracle>, NoHooks>(micro, checks: HeapCheckLevel.Full);
        Churn(classic);
        Churn(radix);
        output.WriteLine($"classic: {classic.Oracle.Decisions} decisions compared; radix: {radix.Oracle.Decisions} answers and leaves compared");
        Assert.True(classic.Oracle.Decisions > 10_000 && radix.Oracle.Decisions > 1_000);
    }

    /// <summary>Blocks come and go (arenas are taken and returned); every block and a foreign block are asked about.</summary>
    private static void Churn<TOracle>(PymallocHeap<NativeMemorySpace, TOracle, NoHooks> heap) where TOracle : struct, IOwnershipOracle
    {
        var random = new SplitMix64(7);
        var blocks = new List<ulong>();
        nint foreignBlock = System.Runtime.InteropServices.Marshal.AllocHGlobal(64);
        ulong foreign = (ulong)foreignBlock;
        try
        {
            for (int step = 0; step < 1500; step++)
            {
                if (blocks.Count > 0 && random.Chance(45))
                {
                    int i = random.NextInt(blocks.Count);
                    heap.Free(blocks[i]); // asks the oracle first
                    blocks.RemoveAt(i);
                }
                else
                {
                    blocks.Add(heap.Malloc((ulong)random.NextInt(1, 97)));
                }
                Assert.False(heap.IsOwned(foreign));
                foreach (ulong b in blocks.TakeLast(4)) Assert.True(heap.IsOwned(b));
            }
            foreach (ulong b in blocks) heap.Free(b);
        }
        finally
        {
            System.Runtime.InteropServices.Marshal.FreeHGlobal(foreignBlock);
        }
    }

    [Fact]
    public void A_seeded_classic_bug_in_the_differential_pair_fails_on_the_verified_agreement_when_the_model_sees_nothing()
    {
        // Query the byte just past arena 0 with an out-of-range index: the inclusive bound answers false there, which is
        // what the model expects; the bug needs the arena's own slot in the header. The verified comparison tries it.
        var testCase = new TestCase([new MallocOp(1), new QueryOp(new ArenaAddress(0, Edge.End, 0), Garbage.Of(GarbageClass.TableSize))], [0]);
        var unchecked_ = new HeapVariant("differential-inclusive-bound", "seeded", OracleKind.PoolIndex,
            DifferentialHeapFactory<BrokenPoolIndexOracle<InclusiveBound>, RadixTreeOracle>.Instance) { IsDifferential = true };
        var checked_ = new HeapVariant("verified-differential-inclusive-bound", "seeded", OracleKind.PoolIndex,
            DifferentialHeapFactory<VerifiedClassicCheck<BrokenPoolIndexOracle<InclusiveBound>>, VerifiedRadixCheck<RadixTreeOracle>>.Instance)
        { IsDifferential = true };

        RunOutcome without = new CaseRunner(PropertyGeometries.Micro, unchecked_).Run(testCase);
        RunOutcome with = new CaseRunner(PropertyGeometries.Micro, checked_).Run(testCase);
        output.WriteLine($"without the verified check: {without.Failure?.Message ?? "passes"}");
        output.WriteLine($"with it: {with.Failure?.Message}");
        Assert.False(without.Failed);
        Assert.True(with.Failed);
        Assert.Contains("Proofs/Dafny/Classic.dfy", with.Failure!.Message);
        Assert.Contains("the case of Lemma 4", with.Failure.Message);
        Assert.False(new CaseRunner(PropertyGeometries.Micro, HeapVariant.Differential).Run(testCase).Failed);
    }
}
