using PymallocVerify.Model;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

/// <summary>Every file in Properties/Regressions/ once failed (on a seeded bug or an old allocator); each must pass now.</summary>
public class RegressionCorpusTests(ITestOutputHelper output)
{
    private static string Directory => Path.Combine(AppContext.BaseDirectory, "Regressions");

    public static TheoryData<string> Files =>
        new(System.IO.Directory.EnumerateFiles(Directory, "*.json").Select(Path.GetFileName).Order()!);

    [Fact]
    public void Corpus_is_not_empty() => Assert.NotEmpty(Files);

    [Fact]
    public void The_file_format_knows_every_oracle_by_its_name() =>
        Assert.Equal(Enum.GetNames<PymallocVerify.Allocator.OracleKind>(), Counterexample.Oracles);

    [Theory]
    [MemberData(nameof(Files))]
    public void Regression_case_passes_on_the_real_allocator(string file)
    {
        CounterexampleReplayReport report = CounterexampleReplayer.Replay(Path.Combine(Directory, file));
        output.WriteLine(report.Format());
        Assert.True(report.Passed, report.Format());
    }

    /// <summary>The corpus has teeth: a file found on a seeded bug still fails when replayed on that bug.</summary>
    [Theory]
    [MemberData(nameof(Files))]
    public void Regression_case_still_fails_on_the_variant_it_was_found_on(string file)
    {
        Counterexample counterexample = CounterexampleFile.Read(Path.Combine(Directory, file));
        if (string.Equals(counterexample.Variant, Heaps.HeapVariant.RealName, StringComparison.OrdinalIgnoreCase)) return;
        CounterexampleReplayReport report = CounterexampleReplayer.Replay(counterexample, counterexample.Variant);
        output.WriteLine(report.Format());
        Assert.False(report.Passed, $"{file} no longer fails on {counterexample.Variant}");
    }

    [Fact]
    public void Replay_of_a_missing_or_bad_file_is_a_one_line_error()
    {
        Assert.Throws<CounterexampleFormatException>(() => CounterexampleReplayer.Replay(Path.Combine(Directory, "no-such-file.json")));
        string bad = Path.Combine(Path.GetTempPath(), $"pmv-bad-{Environment.ProcessId}.json");
        File.WriteAllText(bad, "{\"format\":\"pymalloc-verify/counterexample\",\"version\":2}");
        try
        {
            var e = Assert.Throws<CounterexampleFormatException>(() => CounterexampleReplayer.Replay(bad));
            Assert.Contains("version 2", e.Message);
        }
        finally
        {
            File.Delete(bad);
        }
    }
}
