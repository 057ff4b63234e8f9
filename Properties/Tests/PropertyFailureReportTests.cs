using FsCheck;
using FsCheck.Fluent;
using PymallocVerify.Model;
using PymallocVerify.Properties.Specs;
using PymallocVerify.Properties.Teeth;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

/// <summary>Micro with the seeded bug `inclusive-bound`: the byte after an arena counts as owned.</summary>
public sealed class OnMicroWithInclusiveBound : IPropertySubject
{
    public static PropertySubject Subject { get; } =
        new("micro-inclusive-bound", PropertyGeometries.Micro, TeethCatalog.Find("inclusive-bound").Variant, ChurnPercent: 20);
}

/// <summary>
/// What a failing property looks like: FsCheck's falsification with its replay seed, the shrunk program, the path of
/// the counterexample file (which replays as still failing), and the same counterexample again from the printed seed.
/// </summary>
public class PropertyFailureReportTests(ITestOutputHelper output)
{
    private static string Falsify(Config config)
    {
        Property property = Prop.ForAll(AllocatorPrograms.Program<OnMicroWithInclusiveBound>(), p => AllocatorSpecs.Ownership(p));
        var failure = Assert.ThrowsAny<Exception>(() => Check.One(config, property));
        return failure.Message;
    }

    private static Config Quick => Config.QuickThrowOnFailure.WithMaxTest(300).WithStartSize(2).WithEndSize(40);

    [Fact]
    public void A_falsified_property_prints_the_seed_the_shrunk_program_and_a_replayable_counterexample_file()
    {
        string report = Falsify(Quick.WithReplay(20240611, 1013904223));
        output.WriteLine(report);
        Assert.Contains("Falsifiable", report);
        Assert.Matches(@"\(\d+,\d+\)", report);
        Assert.Contains("Ownership fails on micro-inclusive-bound", report);
        Assert.Contains("<-- fails here", report);
        string path = report.Split('\n').Select(l => l.Trim()).First(l => l.StartsWith("counterexample: ", StringComparison.Ordinal))["counterexample: ".Length..];
        Counterexample saved = CounterexampleFile.Read(path);
        Assert.InRange(saved.Operations.Length, 1, 4);
        Assert.NotNull(CounterexampleReplayer.Replay(saved, saved.Variant).Failure);
    }

    [Fact]
    public void The_printed_seed_reproduces_the_same_counterexample()
    {
        string first = Falsify(Quick.WithReplay(7, 11));
        var seed = System.Text.RegularExpressions.Regex.Match(first, @"\((\d+),(\d+)\)");
        string again = Falsify(Quick.WithReplay(ulong.Parse(seed.Groups[1].Value), ulong.Parse(seed.Groups[2].Value)));
        static string Shrunk(string report) => report[report.IndexOf("Shrunk:", StringComparison.Ordinal)..];
        Assert.Equal(Shrunk(first), Shrunk(again));
    }
}
