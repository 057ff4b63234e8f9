using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using System.Text.Json.Serialization;
using PymallocVerify.Allocator;
using PymallocVerify.Concurrency.Harness;
using PymallocVerify.Concurrency.Scripts;
using PymallocVerify.Model;
using PymallocVerify.SeededBugs;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Concurrency.Campaigns;

/// <summary>
/// A saved concurrency failure: the scenario (its scripts in the operation language), how it was found,
/// the failing history printed readably, and Coyote's reproducible trace next to the script, so
/// <see cref="ConcurrencyReplayer"/> can re-run the exact interleaving.
/// </summary>
public sealed record ConcurrencyCounterexample
{
    /// <summary>
    /// Version 4 is the same layout, written by the harness that takes one scheduling point after starting every script
    /// (<see cref="Harness.ControlledThreads"/>) instead of one after each start. A version 3 trace holds decisions for
    /// the points that are gone, and Coyote can follow it to a clean end although the failure remains, which would read
    /// as "the race is fixed"; so version 3 files are refused. The version goes up whenever the harness's scheduling
    /// points change.
    /// Version 3 adds <c>coyoteTraceSha256</c>: a trace changed after it was recorded — one decision altered or steps
    /// dropped — can still be a schedule Coyote follows to a clean end, which would read as "the race is fixed"; the
    /// digest refuses it instead. Version 2 files, which have no digest, are refused for the same reason. Version 2
    /// named a seeded bug by its catalog name (version 1 wrote an enum member that no longer exists).
    /// </summary>
    public const string FormatName = "pymalloc-verify/concurrency-counterexample/4";

    public string Format { get; init; } = FormatName;
    public required ConcurrencyScenario Scenario { get; init; }
    public required ExplorationStrategy Strategy { get; init; }
    public required uint Seed { get; init; }
    /// <summary>The iteration (1-based) that failed.</summary>
    public required int Iteration { get; init; }
    public required FailureKind Failure { get; init; }
    public required string Summary { get; init; }
    public required IReadOnlyList<string> History { get; init; }
    public required string Explanation { get; init; }
    /// <summary>Coyote's <c>ReproducibleTrace</c>: the scheduling decisions of the failing iteration.</summary>
    public required string CoyoteTrace { get; init; }

    public string Report() =>
        $"{Scenario}{Environment.NewLine}found by {Strategy} (seed {Seed}) at iteration {Iteration}{Environment.NewLine}{RecordedFailure}";

    /// <summary>The failure as recorded, in the words of <see cref="IterationOutcome.Report"/>.</summary>
    public string RecordedFailure => IterationOutcome.FailureText(Failure, Summary, History, Explanation);

    /// <summary>The largest file read (a recorded failure is a few KiB, its trace a few hundred decisions).</summary>
    public const int MaxFileBytes = 16 << 20;

    /// <summary>The most lines of printed history a file may hold.</summary>
    public const int MaxHistoryLines = 100_000;

    /// <summary>
    /// Strict reading (<see cref="StrictJson"/>): every field required, unknown and duplicated fields refused, enums by
    /// name only. Enum names keep the spelling version 2 files were written with (PascalCase: "Pct", "PoolIndex"), and
    /// a null bug is written out, because "no seeded bug" is a value the file must state.
    /// </summary>
    private static readonly JsonSerializerOptions Json = StrictOptions();

    private static JsonSerializerOptions StrictOptions()
    {
        JsonSerializerOptions options = StrictJson.Options();
        options.Converters.Clear();
        options.Converters.Add(new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false));
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        return options;
    }

    public string ToJson() => JsonSerializer.Serialize(FileForm.From(this), Json);

    /// <summary>
    /// The JSON Schema of the file, exported from the type the strict reader binds to with the reader's own options
    /// (docs/schemas/concurrency-counterexample.schema.json is this, checked for staleness by the CLI tests).
    /// </summary>
    public static JsonNode JsonSchema()
    {
        JsonNode schema = Json.GetJsonSchemaAsNode(typeof(FileForm), new JsonSchemaExporterOptions { TreatNullObliviousAsNonNullable = true });
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        schema["title"] = FormatName;
        return schema;
    }

    public void Save(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, ToJson());
    }

    /// <summary>Reads a file written by <see cref="Save"/>; throws <see cref="ArgumentException"/> with a one-line reason otherwise.</summary>
    public static ConcurrencyCounterexample Load(string path)
    {
        if (!File.Exists(path) && !Directory.Exists(path)) throw new ArgumentException($"no such counterexample file: {path}");
        string json;
        try { json = StrictJson.ReadFile(path, MaxFileBytes); }
        catch (InvalidDataException e) { throw new ArgumentException($"{path}: {e.Message}", e); }
        return FromJson(json, path);
    }

    public static ConcurrencyCounterexample FromJson(string json, string source = "<text>")
    {
        string? format;
        try
        {
            using JsonDocument document = JsonDocument.Parse(json);
            format = document.RootElement.ValueKind == JsonValueKind.Object && document.RootElement.TryGetProperty("format", out JsonElement f)
                     && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
        }
        catch (JsonException e) { throw new ArgumentException($"{source}: not a concurrency counterexample ({StrictJson.Describe(e)})", e); }
        if (format != FormatName)
            throw new ArgumentException($"{source}: at $.format: expected format '{FormatName}', got '{format}'" +
                (format == FormatName[..^1] + "1" ? " (recorded before the seeded-bug catalog: find the failure again with check)" : "") +
                (format == FormatName[..^1] + "2" ? " (its trace has no digest, so a changed trace could replay as fixed: find the failure again with check)" : "") +
                (format == FormatName[..^1] + "3" ? " (recorded by a harness with other scheduling points, so its trace could replay as fixed: find the failure again with check)" : ""));
        FileForm? file;
        try { file = JsonSerializer.Deserialize<FileForm>(json, Json); }
        catch (JsonException e) { throw new ArgumentException($"{source}: not a concurrency counterexample ({StrictJson.Describe(e)})", e); }
        if (file is null) throw new ArgumentException($"{source}: not a concurrency counterexample (expected a JSON object)");
        return file.ToCounterexample(source);
    }

    /// <summary>The JSON shape: scripts as operation-language text, so the file is readable and editable.</summary>
    private sealed record FileForm(
        string Format, string Name, string Geometry, OracleKind Oracle, string? Bug, bool InterleaveMemoryAccesses,
        ulong ArenaMisalignment, string Setup, IReadOnlyList<string> Threads,
        ExplorationStrategy Strategy, uint Seed, int Iteration, FailureKind Failure, string Summary,
        IReadOnlyList<string> History, string Explanation, string CoyoteTrace, string CoyoteTraceSha256)
    {
        public static FileForm From(ConcurrencyCounterexample c) => new(
            c.Format, c.Scenario.Name, c.Scenario.Geometry, c.Scenario.Oracle, c.Scenario.Bug?.Name, c.Scenario.InterleaveMemoryAccesses,
            c.Scenario.ArenaMisalignment, ScriptText.Format(c.Scenario.Setup), c.Scenario.Threads.Select(ScriptText.Format).ToArray(),
            c.Strategy, c.Seed, c.Iteration, c.Failure, c.Summary, c.History, c.Explanation, c.CoyoteTrace, TraceDigest(c.CoyoteTrace));

        /// <summary>SHA-256 of the trace's UTF-8 text, lower-case hex.</summary>
        public static string TraceDigest(string trace) =>
            Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(trace)));

        public ConcurrencyCounterexample ToCounterexample(string source)
        {
            if (string.IsNullOrWhiteSpace(CoyoteTrace)) throw new ArgumentException($"{source}: the Coyote trace is missing");
            RequireCoyoteTraceShape(CoyoteTrace, source);
            if (!string.Equals(CoyoteTraceSha256, TraceDigest(CoyoteTrace), StringComparison.Ordinal))
                throw new ArgumentException($"{source}: at $.coyoteTraceSha256: does not match $.coyoteTrace (the trace was changed after it was recorded)");
            if (Iteration < 1) throw new ArgumentException($"{source}: at $.iteration: {Iteration} is not an iteration (they count from 1)");
            if (!Enum.IsDefined(Strategy) || !Enum.IsDefined(Failure) || !Enum.IsDefined(Oracle))
                throw new ArgumentException($"{source}: an unknown strategy, failure or oracle name");
            if (History.Count > MaxHistoryLines) throw new ArgumentException($"{source}: at $.history: more than {MaxHistoryLines} lines");
            if (Threads.Count > ConcurrencyScenario.MaxThreads)
                throw new ArgumentException($"{source}: at $.threads: {Threads.Count} threads; a scenario runs {ConcurrencyScenario.MinThreads}..{ConcurrencyScenario.MaxThreads}");
            ConcurrencyScenario scenario;
            try { scenario = Scenario(); }
            catch (Exception e) when (e is ArgumentException or FormatException or OverflowException or InvalidOperationException)
            {
                throw new ArgumentException($"{source}: {StrictJson.FirstLine(e.Message)}", e);
            }
            return new ConcurrencyCounterexample
            {
                Format = Format, Scenario = scenario, Strategy = Strategy, Seed = Seed, Iteration = Iteration, Failure = Failure,
                Summary = Summary, History = History, Explanation = Explanation, CoyoteTrace = CoyoteTrace,
            };
        }

        /// <summary>
        /// A trace cut short or garbled is refused here rather than handed to Coyote, which would run an arbitrary
        /// schedule and could report the race fixed (a false HOLDS). Checks only what Coyote wrote: a JSON object.
        /// </summary>
        private static void RequireCoyoteTraceShape(string trace, string source)
        {
            try
            {
                using JsonDocument document = JsonDocument.Parse(trace);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                    throw new ArgumentException($"{source}: at $.coyoteTrace: not a Coyote trace (expected a JSON object)");
            }
            catch (JsonException)
            {
                throw new ArgumentException($"{source}: at $.coyoteTrace: not a Coyote trace (cut short or not JSON)");
            }
        }

        private ConcurrencyScenario Scenario()
        {
            var scenario = new ConcurrencyScenario
            {
                Name = Name,
                Geometry = Geometry,
                Oracle = Oracle,
                Bug = Bug is null ? null : SeededBugCatalog.Named(Bug) as ConcurrencyBug
                      ?? throw new ArgumentException($"'{Bug}' is not a concurrency bug of the seeded-bug catalog"),
                InterleaveMemoryAccesses = InterleaveMemoryAccesses,
                ArenaMisalignment = ArenaMisalignment,
                Setup = ScriptText.Parse(Setup),
                Threads = Threads.Select(ScriptText.Parse).ToArray(),
            };
            scenario.Validate();
            return scenario;
        }
    }
}
