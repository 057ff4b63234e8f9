using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Schema;
using Xunit;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// docs/schemas/counterexample.schema.json is exported from the types the strict reader binds to, with the same
/// options, so the published schema and what <see cref="CounterexampleFile"/> accepts cannot drift: this test fails
/// when the file is stale. Regenerate it with <c>PMV_WRITE_SCHEMAS=1 dotnet test Model/Tests</c>.
/// </summary>
public class CounterexampleSchemaTests
{
    public static string SchemaPath => Path.Combine(RepositoryRoot(), "docs", "schemas", "counterexample.schema.json");

    public static string Exported()
    {
        JsonNode schema = CounterexampleFile.Options.GetJsonSchemaAsNode(typeof(Counterexample), new JsonSchemaExporterOptions
        {
            TreatNullObliviousAsNonNullable = true,
        });
        schema["$schema"] = "https://json-schema.org/draft/2020-12/schema";
        schema["title"] = $"{Counterexample.FormatName}, version {Counterexample.CurrentVersion}";
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    [Fact]
    public void The_published_schema_is_exported_from_the_reader()
    {
        string exported = Exported();
        if (Environment.GetEnvironmentVariable("PMV_WRITE_SCHEMAS") == "1") File.WriteAllText(SchemaPath, exported);
        Assert.True(File.Exists(SchemaPath) && File.ReadAllText(SchemaPath) == exported,
            $"{SchemaPath} is stale: regenerate it with PMV_WRITE_SCHEMAS=1 dotnet test Model/Tests");
    }

    [Fact]
    public void The_schema_requires_what_the_reader_requires_and_forbids_other_fields()
    {
        JsonNode schema = JsonNode.Parse(Exported())!;
        var required = schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "geometry", "oracle", "operations" }, required);
        Assert.False(schema["additionalProperties"]?.GetValue<bool>() ?? true);
    }

    [Fact]
    public void Every_corpus_file_validates_against_the_published_schema()
    {
        JsonNode schema = JsonNode.Parse(File.ReadAllText(SchemaPath))!;
        foreach (string file in DamagedCounterexampleTests.CorpusFiles())
            Assert.Null(SchemaSubsetValidator.FirstViolation(schema, JsonNode.Parse(File.ReadAllText(file))));
    }

    [Fact]
    public void The_schema_check_fails_on_a_file_the_reader_refuses()
    {
        JsonNode schema = JsonNode.Parse(File.ReadAllText(SchemaPath))!;
        JsonNode damaged = JsonNode.Parse(File.ReadAllText(DamagedCounterexampleTests.CorpusFiles().First()))!;
        damaged["operations"]![0]!["op"] = "teleport";
        Assert.Contains("matches none of its", SchemaSubsetValidator.FirstViolation(schema, damaged));
        damaged = JsonNode.Parse(File.ReadAllText(DamagedCounterexampleTests.CorpusFiles().First()))!;
        damaged["geometry"]!["pools"] = 4;
        Assert.Contains("unknown field \"pools\"", SchemaSubsetValidator.FirstViolation(schema, damaged));
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Verification.sln"))) return dir.FullName;
        throw new InvalidOperationException("Verification.sln not found above the test binaries");
    }
}
