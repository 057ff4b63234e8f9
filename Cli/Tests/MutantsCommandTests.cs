using PymallocVerify.Cli.Campaign;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Families.Concurrency;
using PymallocVerify.Cli.Families.CPython;
using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.Properties.Teeth;
using PymallocVerify.Cli.SeededBugs;

namespace PymallocVerify.Cli.Tests;

public class MutantsCommandTests
{
    [Fact]
    public void Every_seeded_bug_of_the_catalog_is_killed()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke("mutants", "--budget", "2m", "--cases", "5", "--geometry", "tiny,classic",
            "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        const string Kill = @" +\| killed +\| {0} +\| \d+(\.\d)? ?m?s +\| \d+ +\| \d+ ops? +\|";
        void Killed(string bug, string family, string configuration) =>
            Assert.Matches($@"\| {bug} +\| {family}" + string.Format(Kill, configuration), run.Out);
        foreach (string bug in CliSeededBugs.Names) Killed(bug, "smoke", "tiny/classic");
        var races = SeededBugCatalog.Cases.Select(c => ConcurrencyFamily.BugName(c.Bug)).ToList();
        foreach (string bug in races) Killed(bug, "concurrency", "tiny/(classic|radix)");
        foreach (Tooth tooth in TeethCatalog.All.Where(t => t.Simulated is null)) Killed(tooth.Name, "properties", "micro/classic");
        foreach (Tooth tooth in TeethCatalog.All.Where(t => t.Simulated is not null)) Killed(tooth.Name, "memcheck", "micro/(classic|radix)");
        foreach (Tooth tooth in TeethCatalog.All.Where(t => t.IsOracleBug)) Killed(tooth.Name, "exhaustive", "tiny/(classic|radix)");

        // The cpython family's bugs run where a classic-geometry CPython (3.8, 3.9) is installed; else they are "not run".
        var cpython = new CPythonFamily();
        bool cpythonRuns = cpython.Configurations(new CampaignSelection([Geometry.Tiny, Geometry.Classic], [OracleKind.PoolIndex, OracleKind.RadixTree]))
            .Any(c => c.Runnable);
        if (cpythonRuns) foreach (SeededBugInfo bug in cpython.SeededBugs) Killed(bug.Name, "cpython", @"cpython3\.\d+\.\d+/classic");

        int bugs = CliSeededBugs.Names.Count + races.Count + TeethCatalog.All.Count + (cpythonRuns ? cpython.SeededBugs.Count : 0);
        string notRun = cpythonRuns ? "" : $" ({cpython.SeededBugs.Count} not run with this selection)";
        Assert.Contains($"ALL KILLED: {bugs}/{bugs} seeded bugs{notRun}.", run.Out);
        int total = bugs + TeethCatalog.All.Count(t => t.IsOracleBug); // the oracle bugs are killed by two families
        Assert.Equal(total, run.ReplayCommands.Count);
        foreach (string[] replay in run.ReplayCommands)
        {
            CliRun reproduced = CliHarness.Invoke(replay);
            Assert.True(reproduced.ExitCode == ExitCodes.Failed, $"{string.Join(' ', replay)} exited {reproduced.ExitCode}:\n{reproduced.Out}{reproduced.Err}");
        }
    }

    [Fact]
    public void A_seeded_bug_no_family_can_find_survives_and_exits_1()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke(() => [new BlindFamily()], "mutants", "--budget", "1m", "--cases", "2",
            "--geometry", "tiny", "--oracle", "classic", "--out", dir.Path);

        Assert.Equal(ExitCodes.Failed, run.ExitCode);
        Assert.Matches(@"\| invisible-bug +\| blind +\| SURVIVED +\|", run.Out);
        Assert.Contains("survived blind (2 cases", run.Out);
        Assert.Contains("SURVIVORS: 1 of 1 seeded bugs were not killed: invisible-bug.", run.Out);
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
        public override IReadOnlyList<SeededBugInfo> SeededBugs => [new("invisible-bug", "a bug nothing detects")];
        public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
            FamilyConfiguration.CrossProduct(selection);
        public override Coverage NewCoverage(FamilyConfiguration configuration) => new([], []);
        protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress) =>
            new(10, null);
    }
}
