using System.Collections.Immutable;
using FsCheck;
using FsCheck.Fluent;
using PymallocVerify.Model;
using PymallocVerify.Properties.Generation;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Shrinking;
using PymallocVerify.Properties.Specs;
using PymallocVerify.Properties.Teeth;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

public class ReplayAndShrinkTests(ITestOutputHelper output)
{
    private static readonly Tooth Inclusive = TeethCatalog.Find("inclusive-bound");

    [Fact]
    public void Saved_counterexample_replays_step_by_step()
    {
        CampaignFailure kill = Campaigns.Hunt(Inclusive).Failures.Single();
        Assert.NotNull(kill.FilePath);
        Assert.True(File.Exists(kill.FilePath));
        CounterexampleReplayReport onBug = CounterexampleReplayer.Replay(kill.FilePath!, Inclusive.Name);
        output.WriteLine(onBug.Format());
        Assert.False(onBug.Passed);
        Assert.Equal(kill.Failure.Step, onBug.Failure!.Step);
        Assert.Contains("expected", onBug.Format());
        Assert.Equal(kill.Counterexample.Operations.Length, onBug.Steps.Count);
    }

    [Fact]
    public void A_shrink_cut_short_by_its_budget_is_still_written_and_marked_not_fully_shrunk()
    {
        string directory = Directory.CreateTempSubdirectory("cut-short-").FullName;
        PropertyCampaignResult result = PropertyCampaign.Run(Inclusive.Hunt(Campaigns.Seed, 2000, directory) with { MaxShrinkTime = TimeSpan.Zero });
        CampaignFailure kill = result.Failures.Single();
        Assert.False(kill.Shrink.Complete);
        Assert.Contains("not fully shrunk", kill.Report());
        Counterexample saved = CounterexampleFile.Read(kill.FilePath!);
        Assert.True(saved.ShrinkingIncomplete);
        Assert.False(CounterexampleReplayer.Replay(saved, Inclusive.Name).Passed);
        Assert.True(Campaigns.Hunt(Inclusive).Failures.Single().Shrink.Complete); // with time to shrink, it finishes
        Directory.Delete(directory, recursive: true);
    }

    [Fact]
    public void Replay_seed_regenerates_the_same_case()
    {
        var seed = ReplaySeed.ForCase(Campaigns.Seed, 5, 20);
        TestCase a = PropertyCampaign.Generate(OnMicro.Subject, ReplaySeed.Parse(seed.ToString()));
        TestCase b = PropertyCampaign.Generate(OnMicro.Subject, seed);
        Assert.True(a.Operations.SequenceEqual(b.Operations));
        Assert.Throws<ArgumentException>(() => ReplaySeed.Parse("(1,2,3)")); // even gamma
    }

    [Fact]
    public void Shrinker_lowers_arguments_and_garbage_not_just_length()
    {
        // A hand-written, needlessly big failing case for the inclusive-bound bug.
        var testCase = new TestCase(
        [
            new MallocOp(77), new MallocOp(600), new WriteTagOp(5),
            new QueryOp(new ArenaAddress(3, Edge.End, 0), new Garbage(GarbageClass.AdjacentArenaSlot)),
            new FreeOp(1),
        ], [16]);
        var runner = new CaseRunner(Inclusive.Geometry, Inclusive.Variant);
        RunOutcome outcome = runner.Run(testCase);
        Assert.True(outcome.Failed);
        ShrinkResult shrunk = CaseShrinker.Shrink(testCase, outcome, c => runner.Run(c));
        output.WriteLine(ProgramPrinter.Print(shrunk.Case.Operations));
        Assert.Equal(2, shrunk.Case.Length);
        Assert.Equal(new MallocOp(1), shrunk.Case.Operations[0]);
        Assert.Equal(new ArenaAddress(0, Edge.End, 0), ((QueryOp)shrunk.Case.Operations[1]).Address);
        Assert.Equal([0], shrunk.Case.ArenaHeadOffsets.ToArray());
    }

    [Fact]
    public void FsCheck_drives_the_same_runner_and_shrinker()
    {
        var runner = new CaseRunner(PropertyGeometries.Micro, HeapVariant.RealPoolIndex);
        Arbitrary<TestCase> cases = Arb.From(CaseGenerators.Cases(runner.Geometry, 20),
            c => CaseShrinker.Candidates(c));
        Prop.ForAll(cases, c => runner.Run(c) is { Failed: true } o ? false.Label(o.Failure!.Message) : true.ToProperty())
            .Check(Config.QuickThrowOnFailure.WithMaxTest(Effort.Scale(50)).WithQuietOnSuccess(true));

        var bug = new CaseRunner(Inclusive.Geometry, Inclusive.Variant);
        var e = Assert.ThrowsAny<Exception>(() =>
            Prop.ForAll(cases, c => !bug.Run(c).Failed)
                .Check(Config.QuickThrowOnFailure.WithMaxTest(Effort.Scale(2000)).WithQuietOnSuccess(true)));
        output.WriteLine(e.Message);
        Assert.Contains("Falsifiable", e.Message);
    }
}
