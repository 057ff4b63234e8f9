using System.Collections.Concurrent;
using System.Text;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Exhaustive;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Teeth;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// Bounded exhaustive exploration on Tiny, simulated backend: the real allocator (both oracles) is clean to the test
/// depth, and every oracle bug in the teeth catalog is found with a shortest counterexample.
/// </summary>
public class ExhaustiveExplorerTests(ITestOutputHelper output)
{
    /// <summary>The depth the test explores the real allocator (classic oracle) to; PMV_EFFORT ≥ 4 goes one deeper.</summary>
    public static int TestDepth => Effort.Multiplier >= 4 ? 5 : 4;

    /// <summary>Deep enough for every oracle bug in the catalog (the explorer stops at the first failing level).</summary>
    public const int TeethDepth = 3;

    private static readonly ConcurrentDictionary<string, Lazy<ExplorationResult>> Hunts = new();

    private static ExplorationResult Hunt(Tooth tooth) =>
        Hunts.GetOrAdd(tooth.Name, _ => new Lazy<ExplorationResult>(() =>
            ExhaustiveExplorer.Run(Geometry.Tiny, tooth.Variant, TeethDepth, counterexampleDirectory: ArtifactPaths.CounterexampleDirectory()))).Value;

    [Theory]
    [InlineData("PoolIndex")]
    [InlineData("RadixTree")]
    public void The_real_allocator_is_clean_in_every_state_to_the_test_depth(string oracle)
    {
        var levels = new List<ExplorationProgress>();
        ExplorationResult result = ExhaustiveExplorer.Run(Geometry.Tiny, HeapVariant.Real(Enum.Parse<OracleKind>(oracle)),
            oracle == "PoolIndex" ? TestDepth : TestDepth - 1, progress: new SynchronousProgress(levels.Add));
        output.WriteLine(result.Summary());
        foreach (ExplorationProgress p in levels) output.WriteLine($"  depth {p.Depth}: {p.States} states, {p.Transitions} transitions, {p.Elapsed.TotalSeconds:F1} s");
        Assert.True(result.Passed, result.Summary());
        Assert.Equal(result.RequestedDepth, result.DepthCompleted);
        Assert.True(result.States > 100 && result.Transitions > result.States, result.Summary());
    }

    public static TheoryData<string> OracleTeeth => new(TeethCatalog.All.Where(t => t.IsOracleBug).Select(t => t.Name));

    [Theory]
    [MemberData(nameof(OracleTeeth))]
    public void Every_oracle_bug_is_found_with_a_shortest_counterexample(string name)
    {
        Tooth tooth = TeethCatalog.Find(name);
        ExplorationResult result = Hunt(tooth);
        output.WriteLine(result.Summary());
        Counterexample c = Assert.IsType<Counterexample>(result.Counterexample);
        output.WriteLine(string.Join("\n", c.Program));
        Assert.InRange(c.Operations.Length, 1, TeethDepth + 1);
        Assert.NotNull(result.CounterexamplePath);
        Assert.False(CounterexampleReplayer.Replay(result.CounterexamplePath!, tooth.Name).Passed, "replay on the bug fails");
        CounterexampleReplayReport real = CounterexampleReplayer.Replay(c);
        Assert.True(real.Passed, real.Format());
        // Shortest: no strictly shorter prefix-closed sequence fails — the explorer finished every shallower level.
        Assert.True(result.DepthCompleted >= c.Operations.Length - 2, result.Summary());
    }

    [Fact]
    public void Explorer_teeth_table()
    {
        var table = new StringBuilder("| seeded bug | BFS counterexample ops | states | transitions | time |\n|---|---|---|---|---|\n");
        foreach (Tooth tooth in TeethCatalog.All.Where(t => t.IsOracleBug))
        {
            ExplorationResult r = Hunt(tooth);
            table.Append($"| `{tooth.Name}` | {r.CounterexampleLength?.ToString() ?? "not found"} | {r.States} | {r.Transitions} | {r.Elapsed.TotalMilliseconds:F0} ms |\n");
        }
        output.WriteLine(table.ToString());
        string path = Path.Combine(ArtifactPaths.RepositoryRoot(), "artifacts", "explorer-teeth-table.md");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, table.ToString());
        Assert.DoesNotContain("not found", table.ToString());
    }

    [Fact]
    public void Bad_depth_is_refused_and_cancellation_stops_early()
    {
        Assert.Throws<ArgumentException>(() => ExhaustiveExplorer.Run(Geometry.Tiny, HeapVariant.RealPoolIndex, -1));
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();
        ExplorationResult r = ExhaustiveExplorer.Run(Geometry.Tiny, HeapVariant.RealPoolIndex, 5, cancelled.Token);
        Assert.True(r.Cancelled);
        Assert.Equal(0, r.DepthCompleted);
    }

    /// <summary>Progress&lt;T&gt; posts to the thread pool; this reports inline, in order.</summary>
    private sealed class SynchronousProgress(Action<ExplorationProgress> report) : IProgress<ExplorationProgress>
    {
        public void Report(ExplorationProgress value)
        {
            lock (this) report(value);
        }
    }
}
