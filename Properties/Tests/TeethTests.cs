using System.Text;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Teeth;
using PymallocVerify.SeededBugs;
using PymallocVerify.SeededBugs.Hooks;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// The suite has teeth: every seeded bug in the catalog must be killed, by the family the catalog names, with a
/// shrunk counterexample of a few operations that passes on the real allocator and still fails on the bug.
/// </summary>
public class TeethTests(ITestOutputHelper output)
{
    public static TheoryData<string> Teeth => new(TeethCatalog.All.Select(t => t.Name));

    [Theory]
    [MemberData(nameof(Teeth))]
    public void Seeded_bug_is_killed_with_a_short_counterexample(string name)
    {
        Tooth tooth = TeethCatalog.Find(name);
        PropertyCampaignResult result = Campaigns.Hunt(tooth);
        output.WriteLine(result.Summary());
        CampaignFailure kill = Assert.Single(result.Failures);
        output.WriteLine(kill.Report());

        Assert.Equal(tooth.KilledBy, kill.Failure.Family);
        Assert.InRange(kill.ShrunkLength, 1, tooth.MaxShrunkLength);
        foreach (Operation op in kill.Counterexample.Operations)
            if (op is MallocOp or CallocOp or ReallocOp or ForeignAllocOp)
                Assert.True(ProgramPrinter.OperationName(op).Length < 24, $"argument not small: {ProgramPrinter.OperationName(op)}");

        Assert.False(CounterexampleReplayer.Replay(kill.Counterexample, tooth.Name).Passed, "replay on the bug must still fail");
        CounterexampleReplayReport real = CounterexampleReplayer.Replay(kill.Counterexample);
        Assert.True(real.Passed, real.Format());
    }

    [Fact]
    public void The_catalog_names_every_bug_once_in_kebab_case_and_the_properties_hunt_every_heap_bug()
    {
        Assert.Equal(SeededBugCatalog.All.Count, SeededBugCatalog.All.Select(b => b.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(SeededBugCatalog.All, b => Assert.Matches("^[a-z0-9]+(-[a-z0-9]+)*$", b.Name));
        Assert.Equal(SeededBugCatalog.All.OfType<HeapBug>().Select(b => b.Name), TeethCatalog.All.Select(t => t.Name));
        Assert.Throws<ArgumentException>(() => SeededBugCatalog.Find("no-such-bug"));
    }

    [Fact]
    public void The_arena_index_bug_writes_what_a_fresh_arena_holds_in_the_recording_backend() =>
        Assert.Equal(MemoryRecorder.ArenaFill * 0x0101_0101u, ArenaIndexNotWrittenHooks.FreshArenaWord);

    /// <summary>
    /// The radix leaf bug changes no answer: with the invariant check off, the properties pass on it. So its kill (by
    /// Invariants, in the theory above) is the oracle's own rules, which every CheckInvariants() of the heap runs.
    /// </summary>
    [Fact]
    public void Only_the_oracle_invariants_kill_the_radix_leaf_bug()
    {
        Tooth tooth = TeethCatalog.Find("radix-last-leaf-not-zeroed");
        PropertyCampaignResult blind = PropertyCampaign.Run(tooth.Hunt(Campaigns.Seed, Effort.Scale(100), counterexampleDirectory: null)
            with { CheckInvariantsEveryStep = false });
        output.WriteLine(blind.Summary());
        Assert.True(blind.Passed, blind.Failures.FirstOrDefault()?.Report());

        CampaignFailure kill = Assert.Single(Campaigns.Hunt(tooth).Failures);
        Assert.Equal(PropertyFamily.Invariants, kill.Failure.Family);
        Assert.Contains("radix-tail-range", kill.Failure.Message);
    }

    [Fact]
    public void Teeth_table()
    {
        var table = new StringBuilder();
        table.Append("| seeded bug | killed by | cases to kill | time to kill | ops before shrinking | shrunk ops | shrink candidates tried |\n");
        table.Append("|---|---|---|---|---|---|---|\n");
        foreach (Tooth tooth in TeethCatalog.All)
        {
            PropertyCampaignResult result = Campaigns.Hunt(tooth);
            CampaignFailure? kill = result.Failures.FirstOrDefault();
            Assert.True(kill is not null, $"{tooth.Name} survived {result.Cases} cases");
            table.Append($"| `{tooth.Name}` | {kill.Failure.Family} | {kill.CaseIndex + 1} | {kill.TimeToFind.TotalMilliseconds:F0} ms " +
                         $"| {kill.OriginalLength} | {kill.ShrunkLength} | {kill.Shrink.Attempts} |\n");
        }
        output.WriteLine(table.ToString());
        string path = Path.Combine(ArtifactPaths.RepositoryRoot(), "artifacts", "teeth-table.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, table.ToString());
    }
}
