using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Families.CPython;
using PymallocVerify.SeededBugs;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Cli.Tests;

public class MutantsCommandTests
{
    /// <summary>The family <c>mutants</c> must hunt each kind of bug with (the first family, in run order, that runs it).</summary>
    private static string ExpectedFamily(SeededBug bug) => bug switch
    {
        HeapBug { OnlyMemcheckSees: true } => "memcheck",
        HeapBug => "properties",
        ConcurrencyBug => "concurrency",
        CPythonBug => "cpython",
        _ => throw new ArgumentException(bug.Name),
    };

    [Fact]
    public void Every_bug_of_the_catalog_is_hunted_once_by_its_family_and_killed_with_a_replayable_counterexample()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke("mutants", "--budget", "2m", "--cases", "5", "--geometry", "tiny,classic",
            "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        // A cpython bug runs where a CPython that decides with its oracle is installed and its geometry selected: those of
        // 3.8 and 3.9 (classic) where installed; the arena-map bug (3.10, 3.11: modern) never here. Else it is "not run".
        IReadOnlyList<FamilyConfiguration> cpythonStreams =
            new CPythonFamily().Configurations(new CampaignSelection([Geometry.Tiny, Geometry.Classic], [OracleKind.PoolIndex, OracleKind.RadixTree]));
        var hunted = SeededBugCatalog.All
            .Where(b => b is not CPythonBug || cpythonStreams.Any(c => c.Runnable && c.Oracle == b.RequiredOracle)).ToList();
        foreach (SeededBug bug in hunted)
        {
            Assert.Matches($@"\| {bug.Name} +\| {ExpectedFamily(bug)} +\| killed +\| [a-z0-9.]+/(classic|radix) +\| \d+(\.\d)? ?m?s +\| \d+ +\| \d+ ops? +\|", run.Out);
            Assert.Single(run.Out.Split('\n'), line => line.StartsWith($"| {bug.Name} ", StringComparison.Ordinal));
        }
        int bugs = hunted.Count, notRun = SeededBugCatalog.All.Count - bugs;
        Assert.Contains($"ALL KILLED: {bugs}/{bugs} seeded bugs{(notRun == 0 ? "" : $" ({notRun} not run with this selection)")}.", run.Out);
        Assert.Equal(bugs, run.ReplayCommands.Count);
        foreach (string[] replay in run.ReplayCommands)
        {
            CliRun reproduced = CliHarness.Invoke(replay);
            Assert.True(reproduced.ExitCode == ExitCodes.Failed, $"{string.Join(' ', replay)} exited {reproduced.ExitCode}:\n{reproduced.Out}{reproduced.Err}");
        }
    }

    [Fact]
    public void List_prints_every_bug_once_with_the_family_that_hunts_it_and_runs_nothing()
    {
        CliRun run = CliHarness.Invoke("mutants", "--list");

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        foreach (SeededBug bug in SeededBugCatalog.All)
            Assert.Single(run.Out.Split('\n'), line => System.Text.RegularExpressions.Regex.IsMatch(line, $@"^\| {bug.Name} +\| {ExpectedFamily(bug)} +\|"));
        Assert.Contains($"{SeededBugCatalog.All.Count} seeded bugs", run.Out);
        Assert.DoesNotContain("[mutants]", run.Out);
    }

    [Fact]
    public void A_seeded_bug_no_family_can_find_survives_and_exits_1()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke(() => [new BlindFamily()], "mutants", "--bug", "no-range-check", "--budget", "1m", "--cases", "2",
            "--geometry", "tiny", "--oracle", "classic", "--out", dir.Path);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Matches(@"\| no-range-check +\| blind +\| SURVIVED +\|", run.Out);
        Assert.Contains("survived blind (2 cases", run.Out);
        Assert.Contains("SURVIVORS: 1 of 1 seeded bugs were not killed: no-range-check.", run.Out);
    }

    [Fact]
    public void A_seeded_bug_the_selection_cannot_run_is_listed_as_not_run_and_does_not_fail()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke("mutants", "--bug", "radix-node-linked-before-filled", "--bug", "mutation-skips-lock",
            "--oracle", "classic", "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Matches(@"\| radix-node-linked-before-filled +\| concurrency +\| not run +\|", run.Out);
        Assert.Contains("ALL KILLED: 1/1 seeded bugs (1 not run with this selection).", run.Out);

        CliRun nothing = CliHarness.Invoke("mutants", "--bug", "radix-node-linked-before-filled", "--oracle", "classic", "--out", dir.Path);
        Assert.Equal(ExitCodes.BadUsage, nothing.ExitCode);
        Assert.Contains("no selected seeded bug can run with this selection", Assert.Single(nothing.ErrLines));
    }

    /// <summary>A family that claims a seeded bug but never notices anything: what a toothless check looks like.</summary>
    private sealed class BlindFamily : CaseListFamily
    {
        public override string Name => "blind";
        public override string Description => "checks nothing";
        public override bool Runs(SeededBug bug) => bug.Name == "no-range-check";
        public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
            FamilyConfiguration.Cross(selection, selection.Geometries);
        public override Coverage NewCoverage(FamilyConfiguration configuration) => new([], []);
        protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress) =>
            new(10, null);
    }
}
