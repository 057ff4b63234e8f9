using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;

namespace PymallocVerify.Benchmarks;

/// <summary>
/// The configuration every run shares. No job here: the job comes from the command line (`--job short` for a
/// quick look; Benchmarks/run.sh passes explicit counts), else BenchmarkDotNet's default.
/// The full JSON export is what Benchmarks/run.sh turns into docs/performance.md.
/// </summary>
public static class BenchmarkConfig
{
    /// <summary>Our own command-line switch (BenchmarkDotNet never sees it): measure single-threaded suites in thread CPU time.</summary>
    public const string ThreadCpuClockSwitch = "--thread-cpu-clock";

    /// <summary>Set from the command line before BenchmarkDotNet reads the suites' [Config] attributes.</summary>
    public static bool ThreadCpuClockRequested { get; set; }

    public static IConfig Create() =>
        DefaultConfig.Instance
            .AddExporter(JsonExporter.Full)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min)
            .WithOption(ConfigOptions.JoinSummary, false);
}

/// <summary>
/// For suites whose measured work runs on the benchmark thread alone: with <c>--thread-cpu-clock</c> they are timed
/// by <see cref="ThreadCpuClock"/>, so time spent waiting for a core on a shared machine is not counted. Suites that
/// run other threads (Coyote) do not carry this attribute and keep the wall clock.
/// </summary>
public sealed class SingleThreadedSuiteConfig : ManualConfig
{
    public SingleThreadedSuiteConfig()
    {
        if (BenchmarkConfig.ThreadCpuClockRequested) AddJob(Job.Default.WithClock(new ThreadCpuClock()).AsMutator());
    }
}
