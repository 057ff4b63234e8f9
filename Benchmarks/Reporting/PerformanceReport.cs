using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using PymallocVerify.Benchmarks.SelfChecks;

namespace PymallocVerify.Benchmarks.Reporting;

/// <summary>
/// Rewrites the generated sections of docs/performance.md from BenchmarkDotNet's full JSON exports, so the tables
/// in the document are always the numbers of one run. Hand-written prose outside the markers is left alone.
/// </summary>
public static class PerformanceReport
{
    public const string MachineSection = "machine";
    public const string TablesSection = "tables";
    public const string TargetsSection = "targets";
    public const string ThroughputSection = "throughput";
    public const string NoiseSection = "noise";

    /// <summary>The benchmark method measuring C pymalloc 3.11 in each allocator suite.</summary>
    public const string CPythonMethod = "CPython311";

    /// <param name="previousDirectory">An earlier run's results (run.sh keeps the last one): the noise section compares
    /// the ratios of the two runs. Null or missing = say there is nothing to compare.</param>
    public static int Render(string resultsDirectory, string documentPath, TextWriter output, string? previousDirectory = null)
    {
        try
        {
            var results = BenchmarkResults.Load(resultsDirectory);
            BenchmarkResults? previous = previousDirectory is not null && Directory.Exists(previousDirectory)
                && Directory.GetFiles(previousDirectory, "*-report-full.json").Length > 0
                ? BenchmarkResults.Load(previousDirectory) : null;
            string document = File.ReadAllText(documentPath);
            document = ReplaceSection(document, MachineSection, Machine(results, resultsDirectory));
            document = ReplaceSection(document, TargetsSection, Targets(results));
            document = ReplaceSection(document, TablesSection, Tables(results));
            document = ReplaceSection(document, ThroughputSection, Throughput(results));
            document = ReplaceSection(document, NoiseSection, Noise(results, previous, previousDirectory));
            File.WriteAllText(documentPath, document);
            output.WriteLine($"rendered {results.Rows.Count} benchmark rows from {results.Files} result files into {documentPath}");
            return 0;
        }
        catch (Exception e) when (e is IOException or JsonException or InvalidDataException or UnauthorizedAccessException
                                       or ArgumentException or TargetInvocationException)
        {
            Exception reason = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
            Console.Error.WriteLine($"render-docs: {reason.Message}");
            return 1;
        }
    }

    /// <summary>Replaces the text between &lt;!-- generated:NAME:begin --&gt; and &lt;!-- generated:NAME:end --&gt;.</summary>
    public static string ReplaceSection(string document, string name, string content)
    {
        string begin = $"<!-- generated:{name}:begin -->", end = $"<!-- generated:{name}:end -->";
        int start = document.IndexOf(begin, StringComparison.Ordinal);
        int stop = document.IndexOf(end, StringComparison.Ordinal);
        if (start < 0 || stop < start)
            throw new InvalidDataException($"the document has no '{begin}' ... '{end}' section");
        start += begin.Length;
        return document[..start] + "\n" + content.TrimEnd('\n') + "\n" + document[stop..];
    }

    private static string Machine(BenchmarkResults results, string resultsDirectory)
    {
        var s = new StringBuilder();
        string machineFile = Path.Combine(resultsDirectory, "machine.txt");
        if (File.Exists(machineFile))
        {
            s.Append("```\n").Append(File.ReadAllText(machineFile).TrimEnd('\n')).Append("\n```\n\n");
        }
        foreach (string line in results.Environment.Distinct()) s.Append("- ").Append(line).Append('\n');
        foreach (string job in results.Rows.Select(r => r.Job).Distinct()) s.Append("- job: `").Append(job).Append("`\n");
        return s.ToString();
    }

    private static string Targets(BenchmarkResults results)
    {
        var s = new StringBuilder();
        s.Append("| target | workload | measured | limit | met |\n|---|---|---:|---:|:---:|\n");
        foreach (var target in PerformanceTargets.All)
        {
            foreach (var row in results.Rows.Where(target.Matches))
            {
                double? value = target.Metric switch
                {
                    TargetMetric.Ratio => results.RatioToBaseline(row),
                    TargetMetric.RatioToCPython => results.RatioTo(row, CPythonMethod),
                    _ => row.MinNs,
                };
                string unit = target.Metric == TargetMetric.Nanoseconds ? " ns" : "×";
                string measured = value is null ? "—" : Format(value.Value, unit);
                string met = value is null ? "?" : value <= target.Limit ? "yes" : "**no**";
                s.Append(CultureInfo.InvariantCulture,
                    $"| {target.Name} | {row.Type} {row.Method} ({Show(row.Parameters)}) | {measured} | {Format(target.Limit, unit)} | {met} |\n");
            }
        }
        return s.ToString();
    }

    private static string Tables(BenchmarkResults results)
    {
        var s = new StringBuilder();
        foreach (var suite in results.Rows.GroupBy(r => r.Type))
        {
            s.Append("### ").Append(suite.Key).Append("\n\n");
            s.Append("| parameters | method | ns/op (fastest iteration) | ratio | ns/op (mean) | CV | ratio of means | alloc B/op |\n");
            s.Append("|---|---|---:|---:|---:|---:|---:|---:|\n");
            foreach (var row in suite)
            {
                string ratio = RatioText(row, results.RatioToBaseline(row));
                string ratioOfMeans = RatioText(row, results.RatioOfMeansToBaseline(row));
                string allocated = row.AllocatedBytesPerOp is { } bytes ? bytes.ToString(CultureInfo.InvariantCulture) : "—";
                s.Append(CultureInfo.InvariantCulture,
                    $"| {Show(row.Parameters)} | {row.Method} | {Format(row.MinNs, "")} | {ratio} | {Format(row.MeanNs, "")} | {row.StdDevNs / row.MeanNs:P1} | {ratioOfMeans} | {allocated} |\n");
            }
            s.Append('\n');
        }
        return s.ToString();
    }

    private static string RatioText(BenchmarkRow row, double? ratio) =>
        ratio is null ? "—" : row.IsBaseline ? "1.00 (baseline)" : Format(ratio.Value, "");

    /// <summary>
    /// Work per second for suites that count their work (<see cref="IWorkCounted"/>): the work per operation is
    /// deterministic, so it is recomputed here by running each case's global setup once in this process. From the
    /// mean, not the fastest iteration: this is the rate a campaign sustains, disturbances included.
    /// </summary>
    private static string Throughput(BenchmarkResults results)
    {
        var s = new StringBuilder();
        s.Append("| suite | parameters | ns per operation (mean) | work per operation | work per second (mean) | ns per unit of work ÷ reference's |\n");
        s.Append("|---|---|---:|---:|---:|---:|\n");
        foreach (var row in results.Rows)
        {
            Type? type = SelfCheckRunner.BenchmarkTypes().FirstOrDefault(t => t.Name == row.Type);
            if (type is null || !typeof(IWorkCounted).IsAssignableFrom(type)) continue;
            var (unit, perOperation, reference) = WorkOf(type, row);
            double perSecond = perOperation / (row.MeanNs * 1e-9);
            string overhead = "—";
            var referenceRow = results.Rows.FirstOrDefault(r => r.Type == row.Type && r.Method == reference && r.Parameters == row.Parameters);
            if (referenceRow is not null && referenceRow != row)
            {
                double referencePerUnit = referenceRow.MeanNs / WorkOf(type, referenceRow).PerOperation;
                overhead = $"{Format(row.MeanNs / perOperation / referencePerUnit, "×")} {reference}";
            }
            else if (referenceRow is not null)
            {
                overhead = "1 (reference)";
            }
            s.Append(CultureInfo.InvariantCulture,
                $"| {row.Type}.{row.Method} | {Show(row.Parameters)} | {Format(row.MeanNs, "")} | {Format(perOperation, "")} {unit} | {perSecond:N0} {unit}/s | {overhead} |\n");
        }
        return s.ToString();
    }

    private static (string Unit, double PerOperation, string? Reference) WorkOf(Type type, BenchmarkRow row)
    {
        object instance = Activator.CreateInstance(type)!;
        foreach (string pair in row.Parameters.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] parts = pair.Split('=', 2);
            if (parts.Length != 2 || !SelfCheckRunner.TrySetParameter(instance, parts[0], parts[1]))
                throw new InvalidDataException($"{type.Name} has no parameter '{pair}' (results from another version?)");
        }
        TextWriter console = Console.Out;
        Console.SetOut(TextWriter.Null); // campaigns may print
        try
        {
            SelfCheckRunner.InvokeTargeted<GlobalSetupAttribute>(instance, row.Method);
            var counted = (IWorkCounted)instance;
            var work = (counted.WorkUnit, counted.WorkPerOperation, counted.ReferenceMethod);
            SelfCheckRunner.InvokeTargeted<GlobalCleanupAttribute>(instance, row.Method);
            return work;
        }
        finally
        {
            Console.SetOut(console);
            QuietCpu.Restore();
        }
    }

    /// <summary>How much each ratio moved since the previous run: the run-to-run noise, which the within-run columns do not show.</summary>
    private static string Noise(BenchmarkResults results, BenchmarkResults? previous, string? previousDirectory)
    {
        if (previous is null) return "No previous run to compare with (run.sh keeps the last run's results for this).\n";
        var changes = new List<(BenchmarkRow Row, double Now, double Before, double Change)>();
        foreach (var row in results.Rows.Where(r => !r.IsBaseline))
        {
            var before = previous.Rows.FirstOrDefault(p => p.Type == row.Type && p.Method == row.Method && p.Parameters == row.Parameters);
            if (before is null || results.RatioToBaseline(row) is not { } now || previous.RatioToBaseline(before) is not { } then) continue;
            changes.Add((row, now, then, now / then - 1));
        }
        var s = new StringBuilder();
        string machineFile = Path.Combine(previousDirectory!, "machine.txt");
        string? started = File.Exists(machineFile)
            ? File.ReadLines(machineFile).FirstOrDefault(l => l.StartsWith("started:", StringComparison.Ordinal))
            : null;
        // A run made without run.sh (straight BenchmarkDotNet, maybe another job) has no machine.txt.
        string when = started?.Replace("started: ", "started ", StringComparison.Ordinal) ?? "not made by run.sh: job and start time unknown";
        s.Append(CultureInfo.InvariantCulture, $"Ratios of this run against the previous one ({when}), ");
        s.Append(CultureInfo.InvariantCulture, $"{changes.Count} rows in both:\n\n");
        s.Append("| suite | rows | median change | largest change | where |\n|---|---:|---:|---:|---|\n");
        foreach (var suite in changes.GroupBy(c => c.Row.Type))
        {
            var sorted = suite.Select(c => Math.Abs(c.Change)).Order().ToList();
            var largest = suite.MaxBy(c => Math.Abs(c.Change));
            s.Append(CultureInfo.InvariantCulture,
                $"| {suite.Key} | {sorted.Count} | {sorted[sorted.Count / 2]:P0} | {largest.Change:+0%;-0%} | {largest.Row.Method} ({Show(largest.Row.Parameters)}): {Format(largest.Before, "×")} → {Format(largest.Now, "×")} |\n");
        }
        return s.ToString();
    }

    private static string Show(string parameters) => parameters.Replace("&", ", ", StringComparison.Ordinal);

    private static string Format(double value, string unit) =>
        (Math.Abs(value) >= 10_000 ? value.ToString("N0", CultureInfo.InvariantCulture)
            : Math.Abs(value) >= 100 ? value.ToString("F0", CultureInfo.InvariantCulture)
            : Math.Abs(value) >= 10 ? value.ToString("F1", CultureInfo.InvariantCulture)
            : value.ToString("F2", CultureInfo.InvariantCulture)) + unit;
}

/// <summary>One benchmark case of a run: per-operation statistics in nanoseconds.</summary>
/// <param name="MinNs">The fastest iteration (each iteration averages many operations): what the ratios compare,
/// because on this shared VM interference only ever adds time (see docs/performance.md, "How it is measured").</param>
public sealed record BenchmarkRow(
    string Type, string Method, string Parameters, string Job, bool IsBaseline,
    double MinNs, double MeanNs, double StdDevNs, long? AllocatedBytesPerOp);

/// <summary>All rows of the JSON exports in a results directory, with the host description of each run.</summary>
public sealed class BenchmarkResults
{
    public required IReadOnlyList<BenchmarkRow> Rows { get; init; }
    public required IReadOnlyList<string> Environment { get; init; }
    public required int Files { get; init; }

    public static BenchmarkResults Load(string directory)
    {
        if (!Directory.Exists(directory))
            throw new IOException($"no results directory '{directory}' (run the benchmarks first)");
        string[] files = Directory.GetFiles(directory, "*-report-full.json").Order(StringComparer.Ordinal).ToArray();
        if (files.Length == 0)
            throw new IOException($"no *-report-full.json in '{directory}' (run with the JSON exporter, e.g. Benchmarks/run.sh)");

        var rows = new List<BenchmarkRow>();
        var environment = new List<string>();
        foreach (string file in files)
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            JsonElement root = json.RootElement;
            if (root.TryGetProperty("HostEnvironmentInfo", out var host))
            {
                environment.Add($"{Text(host, "BenchmarkDotNetCaption")} {Text(host, "BenchmarkDotNetVersion")}, " +
                                $"{Text(host, "OsVersion")}, {Text(host, "ProcessorName")}, " +
                                $"{Text(host, "LogicalCoreCount")} logical cores, runtime {Text(host, "RuntimeVersion")}, " +
                                $"SDK {Text(host, "DotNetCliVersion")}");
            }
            foreach (JsonElement benchmark in root.GetProperty("Benchmarks").EnumerateArray())
            {
                if (!benchmark.TryGetProperty("Statistics", out var statistics) || statistics.ValueKind != JsonValueKind.Object)
                    continue; // a case that failed has no statistics
                string type = Text(benchmark, "Type"), method = Text(benchmark, "Method");
                long? allocated = benchmark.TryGetProperty("Memory", out var memory) && memory.ValueKind == JsonValueKind.Object
                    ? memory.GetProperty("BytesAllocatedPerOperation").GetInt64() : null;
                rows.Add(new BenchmarkRow(type, method, Text(benchmark, "Parameters"), JobOf(Text(benchmark, "DisplayInfo")), IsBaseline(type, method),
                    statistics.GetProperty("Min").GetDouble(), statistics.GetProperty("Mean").GetDouble(),
                    statistics.GetProperty("StandardDeviation").GetDouble(), allocated));
            }
        }
        return new BenchmarkResults { Rows = rows, Environment = environment, Files = files.Length };
    }

    /// <summary>Fastest iteration / the baseline's fastest iteration, same suite and parameters. Null without a baseline row.</summary>
    public double? RatioToBaseline(BenchmarkRow row) => Ratio(row, BaselineOf(row), r => r.MinNs);

    /// <summary>As <see cref="RatioToBaseline"/>, against the row of <paramref name="method"/> (same suite and parameters).</summary>
    public double? RatioTo(BenchmarkRow row, string method) =>
        Ratio(row, Rows.FirstOrDefault(b => b.Method == method && b.Type == row.Type && b.Parameters == row.Parameters), r => r.MinNs);

    /// <summary>mean / the baseline's mean: shown beside the ratio, so a reader sees how much interference moved it.</summary>
    public double? RatioOfMeansToBaseline(BenchmarkRow row) => Ratio(row, BaselineOf(row), r => r.MeanNs);

    private BenchmarkRow? BaselineOf(BenchmarkRow row) =>
        Rows.FirstOrDefault(b => b.IsBaseline && b.Type == row.Type && b.Parameters == row.Parameters);

    private static double? Ratio(BenchmarkRow row, BenchmarkRow? baseline, Func<BenchmarkRow, double> time) =>
        baseline is null || time(baseline) <= 0 ? null : time(row) / time(baseline);

    /// <summary>"Suite.Method: Job(Characteristics) [Parameters]" → "Job(Characteristics)".</summary>
    private static string JobOf(string displayInfo)
    {
        int start = displayInfo.IndexOf(": ", StringComparison.Ordinal);
        int end = displayInfo.LastIndexOf(" [", StringComparison.Ordinal);
        if (start < 0) return displayInfo;
        start += 2;
        return end > start ? displayInfo[start..end] : displayInfo[start..];
    }

    private static bool IsBaseline(string type, string method) =>
        typeof(BenchmarkResults).Assembly.GetTypes().FirstOrDefault(t => t.Name == type)?
            .GetMethod(method)?.GetCustomAttribute<BenchmarkAttribute>()?.Baseline ?? false;

    private static string Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) ? value.ToString() : "?";
}
