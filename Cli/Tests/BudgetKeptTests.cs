using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Tests;

/// <summary>
/// The budget is kept: once a case overruns the whole budget, the streams after it start nothing (and the verdict
/// says they got no time) instead of each running one more case.
/// </summary>
public class BudgetKeptTests
{
    [Fact]
    public void Streams_reached_after_the_budget_is_spent_start_no_case_and_the_verdict_says_so()
    {
        using var dir = new TempDirectory();
        var family = new SlowFamily();
        CliRun run = CliHarness.Invoke(() => [family], "check", "--budget", "1ms", "--jobs", "1", "--geometry", "tiny,classic", "--oracle", "classic",
            "--out", dir.Path);

        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Equal(1, family.CasesRun); // the first stream's first case overran the 1 ms budget; the second got nothing
        Assert.Contains("1 of 2 streams (1 got no time)", run.Out);
        Assert.Contains("1 stream got no time", run.Out);
    }

    private sealed class SlowFamily : CaseListFamily
    {
        public int CasesRun { get; private set; }
        public override string Name => "slow";
        public override string Description => "each case outlasts a 1 ms budget";
        public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
            FamilyConfiguration.Cross(selection, selection.Geometries);
        public override Coverage NewCoverage(FamilyConfiguration configuration) => new([], []);
        protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
        {
            CasesRun++;
            Thread.Sleep(50);
            return new CaseOutcome(1, null);
        }
    }
}
