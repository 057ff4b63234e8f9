using System.Text.Json.Nodes;

namespace PymallocVerify.Cli.Tests;

/// <summary>
/// The mutation gate's Stryker configurations must be ones Stryker accepts: it refuses to run, with no score, when
/// its thresholds are not 100 ≥ high ≥ low ≥ break ≥ 0, and `.ci/mutation` then fails as if the score had dropped.
/// A break raised above an unchanged low did exactly that; this catches it in `dotnet test`, without the 40-minute run.
/// </summary>
public sealed class MutationGateConfigTests
{
    public static TheoryData<string> Projects => new("Allocator", "Model");

    [Theory]
    [MemberData(nameof(Projects))]
    public void Stryker_accepts_the_thresholds_and_the_break_is_set(string project)
    {
        string path = Path.Combine(PymallocVerify.Properties.ArtifactPaths.RepositoryRoot(), project, "Tests", "stryker-config.json");
        JsonNode thresholds = JsonNode.Parse(File.ReadAllText(path))!["stryker-config"]!["thresholds"]!;
        int high = thresholds["high"]!.GetValue<int>(), low = thresholds["low"]!.GetValue<int>(), @break = thresholds["break"]!.GetValue<int>();
        Assert.True(high <= 100 && high >= low && low >= @break && @break >= 0,
            $"{path}: Stryker refuses thresholds high {high}, low {low}, break {@break} (it needs 100 >= high >= low >= break >= 0)");
        Assert.True(@break >= 95, $"{path}: break {@break} is below the 95 % the gate promises (docs/ci.md)");
    }
}
