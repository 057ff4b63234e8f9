using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Radix;
using PymallocVerify.Model;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;
using PymallocVerify.SeededBugs.Oracles;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// The radix-tree oracle under the properties (it is Modern's default), and the differential property: on one heap the
/// classic and the radix oracle answer every question; where the spec is Owned or NotOwned they must agree with each
/// other and with the model, and the radix answer must be true on the whole span of every live arena.
/// </summary>
public class RadixAndDifferentialTests(ITestOutputHelper output)
{
    [Fact]
    public void Radix_is_the_default_oracle_for_modern_only()
    {
        Assert.Equal(OracleKind.RadixTree, HeapVariant.DefaultOracleFor(Geometry.Modern));
        Assert.Equal(OracleKind.PoolIndex, HeapVariant.DefaultOracleFor(Geometry.Classic));
        Assert.Same(HeapVariant.RealRadixTree, HeapVariant.Real(OracleKind.RadixTree));
    }

    [Fact]
    public void The_arena_span_check_fails_on_a_radix_oracle_that_misses_the_first_byte_of_an_arena()
    {
        var bug = new HeapVariant("radix-misses-arena-start", "seeded", OracleKind.RadixTree,
            HeapFactory<RadixMissesArenaStartOracle, NoHooks>.Instance);
        RunOutcome outcome = new CaseRunner(PropertyGeometries.Micro, bug).Run(new TestCase([new MallocOp(1)], [16]));
        output.WriteLine(outcome.Failure?.Message);
        Assert.True(outcome.Failed);
        Assert.Equal(0, outcome.Failure!.Step);
        Assert.Contains("the radix oracle answers false", outcome.Failure.Message);
    }

    [Fact]
    public void The_differential_check_fails_when_the_radix_side_disagrees_with_the_classic_side()
    {
        // The model only judges the classic answer of the pair: this failure comes from the differential check alone.
        var bug = new HeapVariant("differential-with-broken-radix", "seeded", OracleKind.PoolIndex,
            DifferentialHeapFactory<PoolIndexOracle, RadixMissesArenaStartOracle>.Instance) { IsDifferential = true };
        var testCase = new TestCase([new MallocOp(1), new QueryOp(new BlockAddress(0, Edge.Start, 0), Garbage.Of(GarbageClass.TableSize))], [0]);
        RunOutcome outcome = new CaseRunner(PropertyGeometries.Micro, bug).Run(testCase);
        output.WriteLine(outcome.Failure?.Message);
        Assert.True(outcome.Failed);
        Assert.Contains("classic and radix disagree", outcome.Failure!.Message);
        Assert.True(new CaseRunner(PropertyGeometries.Micro, HeapVariant.Differential).Run(testCase) is { Failed: false });
    }
}
