using System.Text.Json;
using System.Text.Json.Serialization;
using PymallocVerify.Allocator;
using PymallocVerify.Concurrency.Harness;
using PymallocVerify.Concurrency.Scripts;
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
    /// <summary>Version 2 names a seeded bug by its catalog name (version 1 wrote an enum member that no longer exists).</summary>
    public const string FormatName = "pymalloc-verify/concurrency-counterexample/2";

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
        $"{Scenario}{Environment.NewLine}found by {Strategy} (seed {Seed}) at iteration {Iteration}{Environment.NewLine}" +
        $"{Failure}: {Summary}{Environment.NewLine}{string.Join(Environment.NewLine, History)}" +
        (Explanation.Length > 0 ? Environment.NewLine + Explanation : "");

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public string ToJson() => JsonSerializer.Serialize(FileForm.From(this), Json);

    public void Save(string path)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, ToJson());
    }

    /// <summary>Reads a file written by <see cref="Save"/>; throws <see cref="ArgumentException"/> with a one-line reason otherwise.</summary>
    public static ConcurrencyCounterexample Load(string path)
    {
        if (!File.Exists(path)) throw new ArgumentException($"no such counterexample file: {path}");
        return FromJson(File.ReadAllText(path), path);
    }

    public static ConcurrencyCounterexample FromJson(string json, string source = "<text>")
    {
        FileForm? file;
        try { file = JsonSerializer.Deserialize<FileForm>(json, Json); }
        catch (JsonException e) { throw new ArgumentException($"{source}: not a concurrency counterexample ({e.Message})", e); }
        if (file is null || file.Format != FormatName)
            throw new ArgumentException($"{source}: expected format '{FormatName}', got '{file?.Format}'" +
                (file?.Format == FormatName[..^1] + "1" ? " (recorded before the seeded-bug catalog: find the failure again with check)" : ""));
        return file.ToCounterexample(source);
    }

    /// <summary>The JSON shape: scripts as operation-language text, so the file is readable and editable.</summary>
    private sealed record FileForm(
        string Format, string Name, string Geometry, OracleKind Oracle, string? Bug, bool InterleaveMemoryAccesses,
        ulong ArenaMisalignment, string Setup, IReadOnlyList<string> Threads,
        ExplorationStrategy Strategy, uint Seed, int Iteration, FailureKind Failure, string Summary,
        IReadOnlyList<string> History, string Explanation, string CoyoteTrace)
    {
        public static FileForm From(ConcurrencyCounterexample c) => new(
            c.Format, c.Scenario.Name, c.Scenario.Geometry, c.Scenario.Oracle, c.Scenario.Bug?.Name, c.Scenario.InterleaveMemoryAccesses,
            c.Scenario.ArenaMisalignment, ScriptText.Format(c.Scenario.Setup), c.Scenario.Threads.Select(ScriptText.Format).ToArray(),
            c.Strategy, c.Seed, c.Iteration, c.Failure, c.Summary, c.History, c.Explanation, c.CoyoteTrace);

        public ConcurrencyCounterexample ToCounterexample(string source)
        {
            if (string.IsNullOrWhiteSpace(CoyoteTrace)) throw new ArgumentException($"{source}: the Coyote trace is missing");
            var scenario = new ConcurrencyScenario
            {
                Name = Name ?? throw new ArgumentException($"{source}: the scenario name is missing"),
                Geometry = Geometry,
                Oracle = Oracle,
                Bug = Bug is null ? null : SeededBugCatalog.Named(Bug) as ConcurrencyBug
                      ?? throw new ArgumentException($"{source}: '{Bug}' is not a concurrency bug of the seeded-bug catalog"),
                InterleaveMemoryAccesses = InterleaveMemoryAccesses,
                ArenaMisalignment = ArenaMisalignment,
                Setup = ScriptText.Parse(Setup ?? ""),
                Threads = (Threads ?? []).Select(ScriptText.Parse).ToArray(),
            };
            scenario.Validate();
            return new ConcurrencyCounterexample
            {
                Format = Format, Scenario = scenario, Strategy = Strategy, Seed = Seed, Iteration = Iteration, Failure = Failure,
                Summary = Summary ?? "", History = History ?? [], Explanation = Explanation ?? "", CoyoteTrace = CoyoteTrace,
            };
        }
    }
}
