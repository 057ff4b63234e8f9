using PymallocVerify.Model;
using PymallocVerify.Properties.CPython;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

/// <summary>The port, configured as each CPython version, against that version's libpython, address for address.</summary>
public class CPythonDifferentialTests(ITestOutputHelper output)
{
    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void The_port_does_what_libpython_does_step_for_step(string version)
    {
        CPythonCampaignResult result = CPythonCampaign.Run(CPythonTestSupport.Settings(version, cases: 30));
        output.WriteLine(result.Summary());
        foreach (CPythonFailure failure in result.Failures) output.WriteLine(failure.Report());
        Assert.True(result.Passed);
        Assert.Equal(result.Counters.Operations, result.Counters.ComparedSteps);
        Assert.True(result.Counters.Operations > 500, $"only {result.Counters.Operations} operations");
    }

    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void A_port_that_serves_a_request_from_another_pool_is_caught_in_two_operations(string version)
    {
        CPythonFailure failure = Hunt(version, PortVariant.NextSizeClass);
        Assert.Equal(2, failure.Counterexample.Operations.Length);
        Assert.Contains("address", failure.Failure.Message);
    }

    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void A_port_with_the_other_arena_release_policy_is_caught_in_one_operation_and_the_teardown(string version)
    {
        CPythonFailure failure = Hunt(version, PortVariant.OtherReleasePolicy);
        Assert.Single(failure.Counterexample.Operations);
        Assert.Contains("arena returned", failure.Failure.Message); // 3.8 returns the arena the port keeps, or the reverse
    }

    [Theory]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.11")]
    public void A_differential_counterexample_file_says_where_it_ran_and_replays_on_both(string version)
    {
        CPythonFailure failure = Hunt(version, PortVariant.NextSizeClass);
        Counterexample read = CounterexampleFile.Read(failure.FilePath!);
        Assert.Equal($"cpython {version} differential against {PortVariant.NextSizeClass.Name}", read.CPython!.ToString());

        CounterexampleReplayReport again = CounterexampleReplayer.Replay(failure.FilePath!, PortVariant.NextSizeClass.Name);
        output.WriteLine(again.Format());
        Assert.False(again.Passed);
        Assert.Equal(PropertyFamily.Differential, again.Failure!.Family);
        Assert.Equal(failure.Failure.Step, again.Failure.Step);

        CounterexampleReplayReport faithful = CounterexampleReplayer.Replay(failure.FilePath!);
        Assert.True(faithful.Passed, faithful.Format());
        Assert.Equal(PortVariant.FaithfulName, faithful.VariantName);
    }

    private CPythonFailure Hunt(string version, PortVariant variant)
    {
        CPythonCampaignResult result = CPythonCampaign.Run(CPythonTestSupport.Settings(version, cases: 20) with { Port = variant });
        CPythonFailure failure = Assert.Single(result.Failures);
        output.WriteLine(failure.Report());
        Assert.Equal(PropertyFamily.Differential, failure.Failure.Family);
        Assert.True(File.Exists(failure.FilePath));
        return failure;
    }
}
