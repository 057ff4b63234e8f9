using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
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
    public static IConfig Create(bool threadCpuClock)
    {
        var config = DefaultConfig.Instance
            .AddExporter(JsonExporter.Full)
            .AddColumn(StatisticColumn.Median, StatisticColumn.Min)
            .WithOption(ConfigOptions.JoinSummary, false);
        return threadCpuClock ? config.AddJob(Job.Default.WithClock(new ThreadCpuClock()).AsMutator()) : config;
    }
}
