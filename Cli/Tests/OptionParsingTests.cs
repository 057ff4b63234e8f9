using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Options;
using PymallocVerify.Cli.Reporting;

namespace PymallocVerify.Cli.Tests;

public class OptionParsingTests
{
    [Theory]
    [InlineData("500ms", 500)]
    [InlineData("60s", 60_000)]
    [InlineData("2m", 120_000)]
    [InlineData("1.5m", 90_000)]
    [InlineData("1h", 3_600_000)]
    [InlineData("90S", 90_000)]
    public void Budgets_parse_with_their_unit(string text, double milliseconds)
    {
        Assert.True(Budget.TryParse(text, out Budget b, out string? error), error);
        Assert.Equal(milliseconds, b.Duration.TotalMilliseconds);
    }

    [Theory]
    [InlineData("60")]
    [InlineData("")]
    [InlineData("s")]
    [InlineData("0s")]
    [InlineData("-1m")]
    [InlineData("8d")]
    [InlineData("200h")]
    [InlineData("0.1ms")]
    public void Bad_budgets_are_refused_with_a_message(string text)
    {
        Assert.False(Budget.TryParse(text, out _, out string? error));
        Assert.Contains($"'{text}'", error);
    }

    [Theory]
    [InlineData("90s", "90s")]
    [InlineData("60s", "1m")]
    [InlineData("2m", "2m")]
    [InlineData("500ms", "500ms")]
    [InlineData("1500ms", "1500ms")]
    [InlineData("60m", "1h")]
    public void Budgets_print_in_their_largest_whole_unit_and_read_back(string text, string printed)
    {
        Budget budget = Budget.Parse(text);
        Assert.Equal(printed, budget.ToString());
        Assert.Equal(budget, Budget.Parse(budget.ToString()));
    }

    [Fact]
    public void Shards_stride_through_the_case_list_and_partition_it()
    {
        const int n = 4;
        var owners = new int[40];
        for (int i = 1; i <= n; i++)
        {
            Assert.True(Shard.TryParse($"{i}/{n}", out Shard shard, out _));
            for (long ordinal = 0; ordinal < 10; ordinal++)
            {
                long index = shard.CaseIndex(ordinal);
                Assert.True(shard.Owns(index));
                owners[index]++;
            }
        }
        Assert.All(owners, count => Assert.Equal(1, count));
    }

    [Theory]
    [InlineData("1/0")]
    [InlineData("0/3")]
    [InlineData("4/3")]
    [InlineData("1")]
    [InlineData("1/2/3")]
    [InlineData("a/b")]
    [InlineData("-1/2")]
    public void Impossible_shards_are_refused(string text) => Assert.False(Shard.TryParse(text, out _, out _));

    [Fact]
    public void Case_seeds_are_stable_across_processes_and_distinct_within_a_stream()
    {
        // Pinned: a seed printed in a report must mean the same case on every machine and .NET version.
        Assert.Equal(0xa899eceaf827689dUL, SeedSplitter.CaseSeed(1, "properties", "classic/classic", 0));
        var seeds = Enumerable.Range(0, 10_000).Select(i => SeedSplitter.CaseSeed(1, "properties", "tiny/classic", i)).ToHashSet();
        Assert.Equal(10_000, seeds.Count);
        Assert.NotEqual(SeedSplitter.CaseSeed(1, "properties", "tiny/classic", 0), SeedSplitter.CaseSeed(1, "properties", "classic/classic", 0));
    }

    [Fact]
    public void Case_ranges_print_compactly()
    {
        static IReadOnlyList<CaseRecord> Of(params long[] indices) => indices.Select(i => new CaseRecord(i, 0, 0, true)).ToList();
        Assert.Equal("none", CaseRange.Format(Of()));
        Assert.Equal("3", CaseRange.Format(Of(3)));
        Assert.Equal("0..4", CaseRange.Format(Of(0, 1, 2, 3, 4)));
        Assert.Equal("1,4..10", CaseRange.Format(Of(1, 4, 7, 10)));
        Assert.Equal("0,2", CaseRange.Format(Of(0, 2)));
        Assert.Equal("0,1,5", CaseRange.Format(Of(0, 1, 5)));
    }

    [Fact]
    public void Replay_commands_quote_paths_a_shell_would_split()
    {
        Assert.Equal($"{ReplayCommand.Prefix} /tmp/a.json", ReplayCommand.For("/tmp/a.json"));
        Assert.Equal($"{ReplayCommand.Prefix} '/tmp/with space/it'\\''s.json'", ReplayCommand.For("/tmp/with space/it's.json"));
        Assert.Matches("^dotnet run --project /.*/Cli --$", ReplayCommand.Launcher);
    }

    [Theory]
    [InlineData("all", 3)]
    [InlineData("classic", 1)]
    [InlineData("Tiny,modern", 2)]
    [InlineData("tiny,tiny", 1)]
    [InlineData("micro", 1)]
    public void Geometry_selections_name_presets(string text, int count)
    {
        Assert.True(GeometrySelection.TryParse(text, out var geometries, out _));
        Assert.Equal(count, geometries.Count);
    }
}
