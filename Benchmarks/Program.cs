using BenchmarkDotNet.Running;
using PymallocVerify.Benchmarks;
using PymallocVerify.Benchmarks.Reporting;
using PymallocVerify.Benchmarks.SelfChecks;

// --validate [suite]           run every benchmark body once and check what it did (no timing)
// --profile SUITE METHOD ...    loop one body in-process, for perf / dotnet-trace / DOTNET_JitDisasm
// --render-docs RESULTS DOC [PREVIOUS]
//                              rewrite DOC's generated sections from BenchmarkDotNet's JSON results
//                              (and compare the ratios with a previous run's, for the noise section)
// anything else                BenchmarkDotNet's own command line (--filter '*', --job short, ...), plus
//                              --thread-cpu-clock: time single-threaded suites in thread CPU time
return args switch
{
    ["--validate"] => SelfCheckRunner.Run(Console.Out, null),
    ["--validate", string suite] => SelfCheckRunner.Run(Console.Out, suite),
    ["--profile", .. var rest] => ProfileLoop.Run(rest, Console.Out),
    ["--render-docs", string results, string document] => PerformanceReport.Render(results, document, Console.Out),
    ["--render-docs", string results, string document, string previous] => PerformanceReport.Render(results, document, Console.Out, previous),
    ["--validate" or "--render-docs", ..] => Usage(),
    _ => RunBenchmarks(args),
};

static int RunBenchmarks(string[] args)
{
    BenchmarkConfig.ThreadCpuClockRequested = args.Contains(BenchmarkConfig.ThreadCpuClockSwitch);
    var summaries = BenchmarkSwitcher.FromAssembly(typeof(BenchmarkConfig).Assembly)
        .Run(args.Where(a => a != BenchmarkConfig.ThreadCpuClockSwitch).ToArray(), BenchmarkConfig.Create());
    return summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success)) ? 1 : 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: --validate [suite] | --profile SUITE METHOD [Name=Value ...] [--seconds N] | --render-docs RESULTS-DIR DOCUMENT [PREVIOUS-RESULTS-DIR] | BenchmarkDotNet options");
    return 2;
}
