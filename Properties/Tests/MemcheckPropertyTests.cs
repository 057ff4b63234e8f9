using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Teeth;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// The properties on the simulated space with memcheck in the loop: the real allocator is memcheck-clean under
/// adversarial placement with both oracles; every garbage value gives the classic oracle the same decision; each check
/// fails on a seeded bug; and with the page rule waived (Modern pools, 4 KiB pages) the classic oracle's unmapped read
/// is found and shrunk — while Classic pools and the radix oracle stay clean.
/// </summary>
public class MemcheckPropertyTests(ITestOutputHelper output)
{
    [Fact]
    public void An_unsuppressed_error_names_its_address_operation_and_code_site()
    {
        Tooth twice = TeethCatalog.Find("index-read-twice");
        var testCase = new TestCase([new ForeignAllocOp(32), new QueryOp(new ForeignAddress(0, 0), Garbage.Of(GarbageClass.TableSize))], [0])
        {
            Layout = SimulatedLayout.Adversarial(twice.Geometry, 3) with { Foreign = [ForeignPlacement.Heap] },
        };
        RunOutcome outcome = new CaseRunner(twice.Geometry, twice.Variant).Run(testCase);
        output.WriteLine(outcome.Failure?.Message);
        Assert.Equal((1, PropertyFamily.Memcheck), (outcome.Failure!.Step, outcome.Failure.Family));
        Assert.Contains("op #1", outcome.Failure.Message);                  // the operation index
        Assert.Contains("(ReadUInt32) in IndexReadTwiceOracle.IsOwned", outcome.Failure.Message); // the access and the code site
        Assert.Matches("at 0x[0-9a-f]+", outcome.Failure.Message);             // the address
        Assert.False(new CaseRunner(twice.Geometry, HeapVariant.RealPoolIndex).Run(testCase).Failed);
    }

    [Fact]
    public void The_every_garbage_check_fails_on_a_decision_that_depends_on_the_garbage()
    {
        // The query's own garbage (the table size) gives the right answer: only the re-evaluation sees the bug.
        Tooth noZero = TeethCatalog.Find("no-zero-base-check");
        var testCase = new TestCase([new MallocOp(1), new QueryOp(new LowAddress(16), Garbage.Of(GarbageClass.TableSize))], [0])
        {
            Layout = SimulatedLayout.Adversarial(noZero.Geometry, 3),
        };
        RunOutcome outcome = new CaseRunner(noZero.Geometry, noZero.Variant).Run(testCase);
        output.WriteLine(outcome.Failure?.Message);
        Assert.Equal((1, PropertyFamily.Ownership), (outcome.Failure!.Step, outcome.Failure.Family));
        Assert.Contains("depends on uninitialised memory", outcome.Failure.Message);
        Assert.False(new CaseRunner(noZero.Geometry, noZero.Variant).Run(testCase with { Layout = null }).Failed, "native run with that garbage passes");
        Assert.False(new CaseRunner(noZero.Geometry, HeapVariant.RealPoolIndex).Run(testCase).Failed);
    }

    [Fact]
    public void The_radix_oracle_must_make_no_index_read()
    {
        Tooth peek = TeethCatalog.Find("radix-peeks-at-pool");
        var testCase = new TestCase([new MallocOp(1), new QueryOp(new ArenaAddress(0, Edge.End, 0), Garbage.Of(GarbageClass.TableSize))], [0])
        {
            Layout = SimulatedLayout.Adversarial(peek.Geometry, 3),
        };
        RunOutcome outcome = new CaseRunner(peek.Geometry, peek.Variant).Run(testCase);
        output.WriteLine(outcome.Failure?.Message);
        Assert.Equal(PropertyFamily.Memcheck, outcome.Failure!.Family);
        Assert.Contains("radix-tree oracle read pool memory", outcome.Failure.Message);
        Assert.False(new CaseRunner(peek.Geometry, HeapVariant.RealRadixTree).Run(testCase).Failed);
        Assert.False(new CaseRunner(peek.Geometry, peek.Variant).Run(testCase with { Layout = null }).Failed, "on real memory nothing shows");
    }

    // ---- the page rule (bpo-37211) ---------------------------------------------------------------------------

    /// <summary>Every foreign placement in the mix, so some foreign block sits on its own pages after an unmapped gap.</summary>
    private static PropertyCampaignSettings PageRuleHunt(Geometry geometry, HeapVariant variant, int cases) => new()
    {
        Geometry = geometry,
        Variant = variant,
        Seed = Campaigns.Seed,
        Cases = cases,
        MaxSize = 20,
        ChurnPercent = 0,
        Simulated = SimulatedLayout.Adversarial(geometry, Campaigns.Seed),
        CounterexampleDirectory = ArtifactPaths.CounterexampleDirectory(),
    };

    [Fact]
    public void With_pools_larger_than_a_page_the_properties_find_the_classic_oracles_unmapped_read_and_shrink_it()
    {
        Geometry waived = Geometry.Modern with { UnsafeAllowPoolHeaderOracleWithPoolsLargerThanPage = true };
        Assert.Equal(4096, waived.PageSize);
        PropertyCampaignResult result = PropertyCampaign.Run(PageRuleHunt(waived, HeapVariant.RealPoolIndex, Effort.Scale(200)));
        output.WriteLine(result.Summary());
        CampaignFailure kill = Assert.Single(result.Failures);
        output.WriteLine(kill.Report());
        Assert.Equal(PropertyFamily.Memcheck, kill.Failure.Family);
        Assert.Contains("Access not within mapped region", kill.Failure.Message);
        Assert.Contains("(ReadArenaIndex)", kill.Failure.Message);
        Assert.InRange(kill.ShrunkLength, 1, 3);
        Assert.Contains(kill.Counterexample.Operations, op => op is ForeignAllocOp or MallocOp);
        CounterexampleReplayReport replay = CounterexampleReplayer.Replay(kill.FilePath!);
        output.WriteLine(replay.Format());
        Assert.False(replay.Passed, "the file replays the unmapped read on the simulated space");
    }

    [Theory]
    [InlineData("classic", "PoolIndex")] // pool = page: p's pool base is in p's own page
    [InlineData("modern", "RadixTree")]  // the arena map reads no pool memory
    public void The_same_hunt_is_clean_when_the_page_rule_holds_or_the_radix_tree_decides(string geometry, string oracle)
    {
        PropertyCampaignResult result = PropertyCampaign.Run(PageRuleHunt(Geometry.FromName(geometry),
            HeapVariant.Real(Enum.Parse<OracleKind>(oracle)), Effort.Scale(30)) with { CounterexampleDirectory = null });
        output.WriteLine(result.Summary());
        Assert.True(result.Passed, string.Join("\n", result.Failures.Select(f => f.Report())));
    }
}
