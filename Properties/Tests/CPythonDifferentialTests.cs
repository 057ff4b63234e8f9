using PymallocVerify.Model;
using PymallocVerify.Properties.Backend.CPython;
using PymallocVerify.Properties.CPython;
using PymallocVerify.Properties.Running;
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
    public void A_port_that_serves_a_request_from_another_pool_is_caught_in_one_or_two_operations(string version)
    {
        // Shrunk to one malloc: its block is in another class's pool, so the statistics' class table differs.
        CPythonFailure failure = Hunt(version, PortVariant.NextSizeClass);
        Assert.Single(failure.Counterexample.Operations);
        Assert.Contains("after the operations: the port differs from CPython " + version + " in sys._debugmallocstats() text", failure.Failure.Message);

        // Step by step, the second malloc of the class lands elsewhere: the address check fails before the statistics.
        var runner = new CPythonCaseRunner(CPythonPreset.FromVersion(version), CPythonTestSupport.Require(version), PortVariant.NextSizeClass);
        RunOutcome outcome = runner.Run(new TestCase([new MallocOp(17), new MallocOp(17)], [0]));
        Assert.Equal((1, PropertyFamily.Differential), (outcome.Failure!.Step, outcome.Failure.Family));
        Assert.Contains("malloc(17): the port differs from CPython " + version + " in address", outcome.Failure.Message);
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

    [Theory]
    [InstalledCPython("3.8")]
    [InstalledCPython("3.9")]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void The_ports_statistics_text_is_byte_identical_to_debugmallocstats(string version)
    {
        CPythonPreset preset = CPythonPreset.FromVersion(version);
        using var realRegion = new PlacementRegion(preset.Geometry, [16, 0], layout: null);
        using var portRegion = new PlacementRegion(preset.Geometry, [16, 0], layout: null);
        using var real = new LibPythonSide(CPythonTestSupport.Require(version), realRegion);
        using IAllocatorSide port = PortVariant.Faithful.Create(preset, portRegion);
        var blocks = new List<(ulong Real, ulong Port)>();
        for (int i = 0; i < 3000; i++)
        {
            ulong size = (ulong)(1 + i * 37 % 700); // small and large, every class, over two arenas
            blocks.Add((real.Malloc(size), port.Malloc(size)));
        }
        for (int i = 0; i < blocks.Count; i += 3)
        {
            real.Free(blocks[i].Real);
            port.Free(blocks[i].Port);
        }
        string realText = real.DebugMallocStats(), portText = port.DebugMallocStats();
        output.WriteLine(realText);
        Assert.Equal(realText, portText);
        if (preset.RadixAddressBits is int bits)
        {
            // The arena-map section is compared too: 3.10's map keys on 48 address bits (an 8 KiB root), 3.11's on 64.
            Assert.Contains("\narena map counts\n", realText);
            Assert.Contains(bits == 48 ? "# bytes lost to arena map root     =                8,192"
                                       : "# bytes lost to arena map root     =              262,144", realText);
        }
    }

    [Theory]
    [InstalledCPython("3.10")]
    [InstalledCPython("3.11")]
    public void A_port_with_the_other_versions_arena_map_layout_is_caught_in_one_operation(string version)
    {
        // Every address a case asks about is below 2^48, where both layouts agree: only the statistics tell them apart.
        CPythonFailure failure = Hunt(version, PortVariant.OtherRadixLayout);
        Assert.Single(failure.Counterexample.Operations);
        Assert.Contains("in sys._debugmallocstats() text", failure.Failure.Message);
        Assert.Contains("arena map", failure.Failure.Message);
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
