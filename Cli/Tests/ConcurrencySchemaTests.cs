using System.Text.Json;
using System.Text.Json.Nodes;
using PymallocVerify.Concurrency.Campaigns;

namespace PymallocVerify.Cli.Tests;

/// <summary>
/// docs/schemas/concurrency-counterexample.schema.json is exported from the type the strict reader binds to, as
/// Model/Tests/CounterexampleSchemaTests does for the sequential format: this test fails when the file is stale.
/// Regenerate it with <c>PMV_WRITE_SCHEMAS=1 dotnet test Cli/Tests</c>.
/// </summary>
public class ConcurrencySchemaTests
{
    private static string SchemaPath => Path.Combine(RepositoryRoot(), "docs", "schemas", "concurrency-counterexample.schema.json");

    private static string Exported() => ConcurrencyCounterexample.JsonSchema().ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

    [Fact]
    public void The_published_concurrency_schema_is_exported_from_the_reader()
    {
        string exported = Exported();
        if (Environment.GetEnvironmentVariable("PMV_WRITE_SCHEMAS") == "1") File.WriteAllText(SchemaPath, exported);
        Assert.True(File.Exists(SchemaPath) && File.ReadAllText(SchemaPath) == exported,
            $"{SchemaPath} is stale: regenerate it with PMV_WRITE_SCHEMAS=1 dotnet test Cli/Tests");
    }

    [Fact]
    public void The_concurrency_schema_requires_every_field_and_forbids_others()
    {
        JsonNode schema = JsonNode.Parse(Exported())!;
        var required = schema["required"]!.AsArray().Select(n => n!.GetValue<string>()).ToHashSet();
        Assert.Superset(new HashSet<string> { "oracle", "strategy", "seed", "iteration", "history", "bug", "coyoteTrace" }, required);
        Assert.False(schema["additionalProperties"]?.GetValue<bool>() ?? true);
        Assert.Contains("Pct", schema["properties"]!["strategy"]!.ToJsonString());
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Verification.sln"))) return dir.FullName;
        throw new InvalidOperationException("Verification.sln not found above the test binaries");
    }
}
