using System.Text;
using System.Text.Json.Nodes;
using Xunit.Abstractions;

using PymallocVerify.Model.Tests;

namespace PymallocVerify.Cli.Tests;

/// <summary>
/// Hostile input through <c>replay</c>, in-process: damaged variants of the corpus files of both formats (the
/// sequential regression corpus and a recorded concurrency failure in Corpus/), derived as
/// Model/Tests/DamagedCounterexampleTests does. Every variant ends with exit 0, 1 or 2, at most one line on stderr
/// and no stack trace; a damaged Coyote trace is never a HOLDS.
/// </summary>
public class HostileReplayTests(ITestOutputHelper output)
{
    private static readonly JsonNode?[] WrongValues =
        [JsonValue.Create("1"), JsonValue.Create(99), null, JsonValue.Create(true), new JsonArray(), new JsonObject(),
         JsonValue.Create(-1), JsonValue.Create(1e30), JsonNode.Parse("18446744073709551616"), JsonValue.Create("teleport"),
         JsonValue.Create(12345), JsonValue.Create("")];

    private static IEnumerable<string> CorpusFiles() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.json").OrderBy(f => f, StringComparer.Ordinal);

    private static string ConcurrencyFile() => CorpusFiles().Single(f => File.ReadAllText(f).Contains("concurrency-counterexample/4", StringComparison.Ordinal));

    /// <summary>(description, bytes).</summary>
    public static IEnumerable<(string Name, byte[] Bytes)> Variants(string file)
    {
        string text = File.ReadAllText(file);
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        foreach (int cut in new[] { 0, 1, 10, utf8.Length / 3, utf8.Length / 2, utf8.Length - 2 })
            yield return ($"truncated at {cut}", utf8[..cut]);
        yield return ("utf-16", Encoding.Unicode.GetBytes(text));
        yield return ("binary", Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 >> 3)).ToArray());
        yield return ("nested 5000 deep", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)));
        yield return ("a JSON array", "[]"u8.ToArray());
        yield return ("a JSON string", "\"x\""u8.ToArray());

        JsonNode root = JsonNode.Parse(text)!;
        int member = 0;
        foreach (var (path, key) in JsonDamage.Members(root))
        {
            member++;
            JsonNode copy = root.DeepClone();
            JsonDamage.Resolve(copy, path).Remove(key);
            yield return ($"{path}.{key} removed", JsonDamage.Bytes(copy));
            for (int w = 0; w < 5; w++)
            {
                JsonNode? wrong = WrongValues[(member + w * 3) % WrongValues.Length];
                JsonNode changed = root.DeepClone();
                JsonDamage.Resolve(changed, path)[key] = wrong?.DeepClone();
                yield return ($"{path}.{key} = {wrong?.ToJsonString() ?? "null"}", JsonDamage.Bytes(changed));
            }
            JsonNode extra = root.DeepClone();
            JsonDamage.Resolve(extra, path)["unexpected"] = 1;
            yield return ($"{path} + unknown field", JsonDamage.Bytes(extra));
        }
    }




    private static string? Wrong(CliRun run)
    {
        if (run.ExitCode is not (ExitCodes.Holds or ExitCodes.Failed or ExitCodes.BadUsage)) return $"exit {run.ExitCode}: {run.Err}";
        if (run.ErrLines.Count > 1) return $"{run.ErrLines.Count} lines on stderr: {run.Err}";
        string all = run.Out + run.Err;
        if (all.Contains("   at ", StringComparison.Ordinal) || all.Contains("Exception", StringComparison.Ordinal))
            return $"a stack trace or exception name: {all[..Math.Min(all.Length, 300)]}";
        if (run.ExitCode == ExitCodes.BadUsage && run.Err.Length == 0) return "exit 2 without a reason";
        return null;
    }

    [Fact]
    public void Every_damaged_variant_of_both_formats_replays_to_exit_0_1_or_2_with_one_line_and_no_stack_trace()
    {
        using var dir = new TempDirectory();
        int variants = 0;
        var counts = new Dictionary<int, int>();
        var formats = new HashSet<string>();
        var wrong = new List<string>();
        foreach (string file in CorpusFiles())
            foreach (var (name, bytes) in Variants(file))
            {
                variants++;
                formats.Add(File.ReadAllText(file).Contains("concurrency-counterexample", StringComparison.Ordinal) ? "concurrency" : "sequential");
                string path = dir.File($"v{variants}.json");
                File.WriteAllBytes(path, bytes);
                CliRun run = CliHarness.Invoke("replay", path);
                counts[run.ExitCode] = counts.GetValueOrDefault(run.ExitCode) + 1;
                if (Wrong(run) is { } problem) wrong.Add($"{Path.GetFileName(file)}: {name}: {problem}");
            }
        output.WriteLine($"{variants} damaged variants: " + string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"exit {c.Key}: {c.Value}")));
        Assert.Equal(["concurrency", "sequential"], formats.Order());
        Assert.True(variants >= 1000, $"only {variants} variants");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(30)));
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("cut in half")]
    [InlineData("digits changed")]
    [InlineData("empty decisions")]
    [InlineData("steps halved")]
    [InlineData("two decisions swapped")]
    public void A_damaged_Coyote_trace_is_never_a_HOLDS(string damage)
    {
        using var dir = new TempDirectory();
        JsonNode root = JsonNode.Parse(File.ReadAllText(ConcurrencyFile()))!;
        string trace = root["coyoteTrace"]!.GetValue<string>();
        root["coyoteTrace"] = damage switch
        {
            "garbage" => "ʘ‿ʘ not a trace",
            "cut in half" => trace[..(trace.Length / 2)],
            "digits changed" => new string(trace.Select(c => char.IsAsciiDigit(c) ? (char)('0' + (c - '0' + 3) % 10) : c).ToArray()),
            // Still Coyote's JSON and still a schedule it can follow: only the digest tells it from the recorded one.
            "steps halved" => WithSteps(trace, steps => steps.Take(steps.Count / 2)),
            "two decisions swapped" => WithSteps(trace, steps => steps.Take(4).Reverse().Concat(steps.Skip(4))),
            _ => "{}",
        };
        string path = dir.File("damaged.json");
        File.WriteAllText(path, root.ToJsonString());

        CliRun run = CliHarness.Invoke("replay", path);
        Assert.True(run.ExitCode == ExitCodes.BadUsage, $"exit {run.ExitCode}\n{run.Out}\n{run.Err}");
        Assert.Contains("$.coyoteTrace", run.Err);
        Assert.DoesNotContain("HOLDS", run.Out);
        Assert.True(Wrong(run) is null, Wrong(run));
    }

    private static string WithSteps(string trace, Func<IReadOnlyList<JsonNode?>, IEnumerable<JsonNode?>> change)
    {
        JsonNode parsed = JsonNode.Parse(trace)!;
        var steps = parsed["Steps"]!.AsArray().Select(s => s?.DeepClone()).ToList();
        parsed["Steps"] = new JsonArray([.. change(steps)]);
        return parsed.ToJsonString();
    }

    [Fact]
    public void Out_of_range_and_integer_values_in_a_concurrency_file_are_exit_2_naming_the_field()
    {
        using var dir = new TempDirectory();
        foreach ((string field, JsonNode? value) in new (string, JsonNode?)[]
                 { ("oracle", 99), ("bug", 12345), ("strategy", 1), ("iteration", 0), ("seed", -1), ("arenaMisalignment", 3) })
        {
            JsonNode root = JsonNode.Parse(File.ReadAllText(ConcurrencyFile()))!;
            root[field] = value;
            string path = dir.File($"{field}.json");
            File.WriteAllText(path, root.ToJsonString());
            CliRun run = CliHarness.Invoke("replay", path);
            Assert.True(run.ExitCode == ExitCodes.BadUsage, $"{field}: exit {run.ExitCode}\n{run.Out}\n{run.Err}");
            Assert.Contains(path, Assert.Single(run.ErrLines));
        }
        foreach (string field in new[] { "oracle", "strategy", "seed", "iteration", "history", "bug" })
        {
            JsonNode root = JsonNode.Parse(File.ReadAllText(ConcurrencyFile()))!;
            root.AsObject().Remove(field);
            string path = dir.File($"no-{field}.json");
            File.WriteAllText(path, root.ToJsonString());
            CliRun run = CliHarness.Invoke("replay", path);
            Assert.True(run.ExitCode == ExitCodes.BadUsage, $"missing {field}: exit {run.ExitCode}\n{run.Out}\n{run.Err}");
            Assert.Contains($"missing field \"{field}\"", Assert.Single(run.ErrLines));
        }
    }

    [Fact]
    public void The_recorded_concurrency_failure_still_fails_and_a_directory_or_dev_zero_is_exit_2()
    {
        CliRun replay = CliHarness.Invoke("replay", ConcurrencyFile());
        Assert.Equal(ExitCodes.Failed, replay.ExitCode);
        Assert.Contains("STILL FAILS", replay.Out);

        CliRun directory = CliHarness.Invoke("replay", Path.GetTempPath());
        Assert.Equal(ExitCodes.BadUsage, directory.ExitCode);
        Assert.Contains("is a directory", Assert.Single(directory.ErrLines));

        CliRun zero = CliHarness.Invoke("replay", "/dev/zero");
        Assert.Equal(ExitCodes.BadUsage, zero.ExitCode);
        Assert.Contains("larger than 16 MiB", Assert.Single(zero.ErrLines));
    }
}
