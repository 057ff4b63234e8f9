using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Tests;

public class InternalErrorTests
{
    [Fact]
    public void A_crash_in_the_tool_itself_is_exit_3_with_one_line()
    {
        using var dir = new TempDirectory();
        CliRun run = CliHarness.Invoke(() => [new CrashingFamily()], "check", "--cases", "1", "--geometry", "tiny",
            "--oracle", "classic", "--out", dir.Path);

        Assert.Equal(ExitCodes.InternalError, run.ExitCode);
        string line = Assert.Single(run.ErrLines);
        Assert.StartsWith("pymalloc-verify: internal error: InvalidOperationException: harness bug (a bug in this tool", line);
        Assert.Contains("please report it", line);
    }

    private sealed class CrashingFamily : CaseListFamily
    {
        public override string Name => "crash";
        public override string Description => "throws from its harness";
        public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
            FamilyConfiguration.Cross(selection, selection.Geometries);
        public override Coverage NewCoverage(FamilyConfiguration configuration) => new([], []);
        protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress) =>
            throw new InvalidOperationException("harness bug");
    }
}
