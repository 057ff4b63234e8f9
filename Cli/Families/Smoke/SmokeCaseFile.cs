using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PymallocVerify.Allocator;
using PymallocVerify.Cli.Options;

namespace PymallocVerify.Cli.Families.Smoke;

/// <summary>
/// The smoke family's counterexample file: the script (geometry, oracle, workload, seed, steps) that replays
/// the failure, plus what failed and where it came from. Versioned JSON; see docs/counterexamples.md.
/// </summary>
public static class SmokeCaseFile
{
    public const string Format = "pymalloc-verify/smoke-case";
    public const int Version = 1;

    public static void Write(string path, SmokeScript script, SmokeRunResult result, ulong campaignSeed, Shard shard, long caseIndex)
    {
        var json = new JsonObject
        {
            ["format"] = Format,
            ["version"] = Version,
            ["geometry"] = script.Geometry.Name,
            ["oracle"] = OracleNames.Of(script.Oracle),
            ["workload"] = WorkloadShapes.Name(script.Workload),
            ["seed"] = Hex(script.Seed),
            ["steps"] = script.Steps,
            ["plannedSteps"] = script.WorkloadLength,
            ["invariantInterval"] = script.InvariantInterval,
            ["seededBug"] = script.SeededBug,
            ["failedAtStep"] = result.FailedStep,
            ["failedOperation"] = result.FailedOperation,
            ["failure"] = result.Message,
            ["campaign"] = new JsonObject
            {
                ["seed"] = campaignSeed.ToString(CultureInfo.InvariantCulture),
                ["shard"] = shard.ToString(),
                ["caseIndex"] = caseIndex,
            },
        };
        File.WriteAllText(path, json.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
    }

    /// <summary>Reads the script back; a malformed or newer file is a <see cref="UsageException"/> naming the problem.</summary>
    public static SmokeScript Read(string path, JsonElement root)
    {
        int version = root.TryGetProperty("version", out JsonElement v) && v.TryGetInt32(out int n) ? n
            : throw Bad(path, "missing or non-integer 'version'");
        if (version > Version)
            throw Bad(path, $"version {version} is newer than this tool reads ({Version}); update pymalloc-verify");
        string geometryName = String(path, root, "geometry");
        if (!GeometrySelection.TryParse(geometryName, out IReadOnlyList<Geometry> geometries, out string? gError) || geometries.Count != 1)
            throw Bad(path, gError ?? $"'geometry' must name one preset, got '{geometryName}'");
        if (!OracleNames.TryParse(String(path, root, "oracle"), out OracleKind oracle))
            throw Bad(path, $"unknown oracle '{String(path, root, "oracle")}'");
        if (!WorkloadShapes.TryParse(String(path, root, "workload"), out WorkloadShape workload, out string? wError))
            throw Bad(path, wError!);
        string seedText = String(path, root, "seed");
        if (!TryParseSeed(seedText, out ulong seed)) throw Bad(path, $"'seed' is not a number: '{seedText}'");
        int steps = Int(path, root, "steps");
        int planned = root.TryGetProperty("plannedSteps", out _) ? Int(path, root, "plannedSteps") : steps;
        int interval = Int(path, root, "invariantInterval");
        if (steps < 0 || planned < steps || interval < 1)
            throw Bad(path, "need 0 <= 'steps' <= 'plannedSteps' and 'invariantInterval' >= 1");
        string? seededBug = root.TryGetProperty("seededBug", out JsonElement b) && b.ValueKind == JsonValueKind.String
            ? b.GetString() : null;
        return new SmokeScript(geometries[0], oracle, workload, seed, steps, seededBug, interval, PlannedSteps: planned);
    }

    public static string Hex(ulong value) => "0x" + value.ToString("x16", CultureInfo.InvariantCulture);

    /// <summary>Decimal or 0x-prefixed hexadecimal.</summary>
    public static bool TryParseSeed(string text, out ulong seed) =>
        text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            ? ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out seed)
            : ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out seed);

    private static string String(string path, JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement e) && e.ValueKind == JsonValueKind.String ? e.GetString()!
            : throw Bad(path, $"missing or non-string '{name}'");

    private static int Int(string path, JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement e) && e.TryGetInt32(out int n) ? n
            : throw Bad(path, $"missing or non-integer '{name}'");

    private static UsageException Bad(string path, string problem) => new($"{path}: {problem}");
}
