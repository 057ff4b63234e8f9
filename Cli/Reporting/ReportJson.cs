using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Options;

namespace PymallocVerify.Cli.Reporting;

/// <summary>
/// report.json: what ran, case by case, with every timing kept under one "timing" key, so two runs of the same
/// seed, shard and case limit give byte-identical JSON once "timing" is removed.
/// </summary>
public static class ReportJson
{
    public static JsonObject Build(CampaignReport report)
    {
        CampaignSettings s = report.Settings;
        var streams = new JsonArray();
        var timing = new JsonArray();
        foreach (FamilyResult r in report.Results)
        {
            streams.Add(new JsonObject
            {
                ["family"] = r.Family,
                ["configuration"] = r.Configuration.Label,
                ["skipped"] = r.Configuration.SkipReason,
                ["stoppedBy"] = StopText.Json(r.StoppedBy),
                ["operations"] = r.Operations,
                ["unit"] = r.OperationUnit,
                ["cases"] = new JsonArray(r.Cases.Select(c => (JsonNode)new JsonObject
                {
                    ["index"] = c.Index,
                    ["seed"] = Hex(c.Seed),
                    ["operations"] = c.Operations,
                    ["passed"] = c.Passed,
                    ["completed"] = c.Completed,
                    ["detail"] = c.Detail,
                }).ToArray()),
                ["coverage"] = new JsonObject
                {
                    ["garbageClasses"] = Counts(r.Coverage.GarbageClasses),
                    ["addressKinds"] = Counts(r.Coverage.AddressKinds),
                    ["concurrencyCells"] = Counts(r.Coverage.ConcurrencyCells),
                    ["missing"] = new JsonArray(r.Coverage.Missing.Select(m => (JsonNode)JsonValue.Create(m)!).ToArray()),
                },
                ["failures"] = new JsonArray(r.Failures.Select(f => (JsonNode)new JsonObject
                {
                    ["case"] = f.CaseIndex,
                    ["seed"] = Hex(f.Seed),
                    ["message"] = f.Message,
                    ["counterexample"] = f.CounterexamplePath is null ? null : Path.GetFileName(f.CounterexamplePath),
                    ["counterexampleLength"] = f.CounterexampleLength,
                }).ToArray()),
            });
            timing.Add(new JsonObject
            {
                ["family"] = r.Family,
                ["configuration"] = r.Configuration.Label,
                ["seconds"] = Math.Round(r.Elapsed.TotalSeconds, 3),
            });
        }
        return new JsonObject
        {
            ["tool"] = "pymalloc-verify check",
            ["seed"] = s.Seed.ToString(CultureInfo.InvariantCulture),
            ["shard"] = s.Shard.ToString(),
            ["budget"] = s.Budget.ToString(),
            ["maxCases"] = s.MaxCases,
            ["jobs"] = s.Jobs,
            ["geometries"] = new JsonArray(s.Selection.Geometries.Select(g => (JsonNode)JsonValue.Create(g.Name)!).ToArray()),
            ["oracles"] = new JsonArray(s.Selection.Oracles.Select(o => (JsonNode)JsonValue.Create(OracleNames.Of(o))!).ToArray()),
            ["seededBug"] = s.SeededBug?.Name,
            ["holds"] = report.Holds && !report.Interrupted,
            ["interrupted"] = report.Interrupted,
            ["streams"] = streams,
            ["timing"] = new JsonObject
            {
                ["totalSeconds"] = Math.Round(report.Elapsed.TotalSeconds, 3),
                ["streams"] = timing,
            },
        };
    }

    public static string Write(string directory, CampaignReport report)
    {
        string path = Path.Combine(directory, "report.json");
        AtomicFile.WriteAllText(path, Build(report).ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n");
        return path;
    }

    private static string Hex(ulong v) => "0x" + v.ToString("x16", CultureInfo.InvariantCulture);

    private static JsonObject Counts(IReadOnlyDictionary<string, long> counts)
    {
        var o = new JsonObject();
        foreach ((string k, long v) in counts) o[k] = v;
        return o;
    }
}
