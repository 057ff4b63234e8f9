using System.Collections.Immutable;
using PymallocVerify.Model;
using PymallocVerify.Properties.CPython;
using PymallocVerify.Properties.Generation;
using PymallocVerify.Properties.Running;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

/// <summary>libpython's own ownership decisions, under planted garbage, against the model's spec.</summary>
public class CPythonOwnershipTests(ITestOutputHelper output)
{
    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void Every_libpython_decision_under_every_garbage_class_agrees_with_the_spec(string version)
    {
        CPythonCampaignResult result = CPythonCampaign.Run(CPythonTestSupport.Settings(version, cases: 40) with { Port = null, ChurnPercent = 20 });
        output.WriteLine(result.Summary());
        output.WriteLine(result.Coverage.Format());
        foreach (CPythonFailure failure in result.Failures) output.WriteLine(failure.Report());
        Assert.True(result.Passed);
        Assert.True(result.Counters.Reevaluations > 0);
        foreach (GarbageClass c in Enum.GetValues<GarbageClass>())
            Assert.True(result.Coverage.GarbageHits(c) > 0, $"garbage class {c} never planted");
        Assert.True(result.Coverage.QueriesAt(AddressKind.Foreign) > 0);
        Assert.True(result.Coverage.QueriesWith(Ownership.NotOwned) > 0 && result.Coverage.QueriesWith(Ownership.Unspecified) > 0);
    }

    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void A_foreign_block_gets_every_garbage_class_at_the_index_the_classic_test_reads(string version)
    {
        // Fill an arena and spill into a second, free everything (so a slot is released), take an arena again, then ask
        // about a foreign block under each garbage class in turn. Each class must resolve as itself and be written.
        CPythonPreset preset = CPythonPreset.FromVersion(version);
        int spill = CaseGenerators.BlocksToSpill(preset.Geometry);
        var program = ImmutableArray.CreateBuilder<Operation>();
        for (int i = 0; i < spill; i++) program.Add(new MallocOp(preset.Geometry.SmallRequestThreshold));
        for (int i = 0; i < spill; i++) program.Add(new FreeOp(0));
        program.Add(new MallocOp(1));
        program.Add(new ForeignAllocOp(64));
        foreach (GarbageClass c in Enum.GetValues<GarbageClass>())
            program.Add(new QueryOp(new ForeignAddress(0, 0), new Garbage(c, 0x5eed)));

        var runner = new CPythonCaseRunner(preset, CPythonTestSupport.Require(version));
        CPythonRunResult result = runner.RunDetailed(new TestCase(program.ToImmutable(), [0]));
        Assert.False(result.Outcome.Failed, result.Outcome.Failure?.Message);
        output.WriteLine(string.Join("\n", result.Outcome.Garbage));
        Assert.Equal(Enum.GetValues<GarbageClass>(), result.Outcome.Garbage.Select(g => g.Class));
        Assert.All(result.Outcome.Garbage, g => Assert.Equal(GarbageDelivery.Written, g.Delivery));
        Assert.True(result.Counters.Reevaluations >= 8 * 4, $"{result.Counters.Reevaluations} re-evaluations");
    }

    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void A_spec_that_calls_a_foreign_block_owned_is_rejected_at_the_first_query_under_garbage(string version)
    {
        CPythonPreset preset = CPythonPreset.FromVersion(version);
        var runner = new CPythonCaseRunner(preset, CPythonTestSupport.Require(version), port: null, OwnershipSpecVariant.ForeignIsOwned);
        var testCase = new TestCase(
        [
            new MallocOp(1),
            new ForeignAllocOp(64),
            new QueryOp(new ForeignAddress(0, 0), new Garbage(GarbageClass.LiveSlot)),
        ], [0]);
        RunOutcome outcome = runner.Run(testCase);
        Assert.True(outcome.Failed);
        output.WriteLine(outcome.Failure!.Message);
        Assert.Equal((2, PropertyFamily.Ownership), (outcome.Failure.Step, outcome.Failure.Family));
        Assert.Equal(GarbageDelivery.Written, outcome.Garbage.Single().Delivery);

        // The model's own spec accepts the same run.
        Assert.False(new CPythonCaseRunner(preset, CPythonTestSupport.Require(version)).Run(testCase).Failed);
    }

    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    public void A_live_slots_index_planted_under_a_foreign_block_is_read_and_rejected(string version)
    {
        // The classic test reads the planted slot index and must still answer "not mine": the address is outside that
        // arena. Asked again with every other value at the same index word, every answer must be the same.
        CPythonPreset preset = CPythonPreset.FromVersion(version);
        var runner = new CPythonCaseRunner(preset, CPythonTestSupport.Require(version));
        ImmutableArray<Operation> program =
        [
            new MallocOp(1),
            new ForeignAllocOp(64),
            new QueryOp(new ForeignAddress(0, 0), new Garbage(GarbageClass.LiveSlot)),
            new QueryOp(new ArenaAddress(0, Edge.End, 0), new Garbage(GarbageClass.AdjacentArenaSlot)),
            new FreeOp(0),
        ];
        CPythonRunResult result = runner.RunDetailed(new TestCase(program, [0]));
        Assert.False(result.Outcome.Failed, result.Outcome.Failure?.Message);
        Assert.All(result.Outcome.Garbage, g => Assert.Equal(GarbageDelivery.Written, g.Delivery));
        Assert.Equal(0u, result.Outcome.Garbage[0].Value); // the live arena's slot
        Assert.Equal(2 * (4 + 16), result.Counters.Reevaluations); // table size, +1, 2^31, 2^32 - 1 and 16 slots, per query
    }
}
