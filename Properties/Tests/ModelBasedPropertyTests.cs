using PymallocVerify.Model;
using PymallocVerify.Properties.Running;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// Properties 1–5 on the real allocator over real memory: ownership agrees with the spec under every garbage class,
/// frees and reallocs route right, blocks never overlap and keep their contents, invariants hold after every step
/// and freeing everything returns every arena — on Classic and Modern (and the small Tiny and Micro geometries).
/// </summary>
public class ModelBasedPropertyTests(ITestOutputHelper output)
{
    public static TheoryData<string> Geometries => new() { "classic", "modern", "tiny", "micro" };

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Properties_hold_on_the_real_allocator(string geometry)
    {
        PropertyCampaignResult result = Campaigns.Real(geometry);
        output.WriteLine(result.Summary());
        output.WriteLine(result.Coverage.Format());
        foreach (CampaignFailure f in result.Failures) output.WriteLine(f.Report());
        Assert.True(result.Passed, string.Join("\n", result.Failures.Select(f => f.Report())));
        Assert.True(result.Cases > 0 && result.OperationsChecked > result.Cases);
    }

    [Theory]
    [MemberData(nameof(Geometries))]
    public void Every_garbage_class_and_address_kind_is_exercised(string geometry)
    {
        CoverageTable coverage = Campaigns.Real(geometry).Coverage;
        output.WriteLine(coverage.Format());
        Assert.Empty(coverage.Gaps());
    }

    [Fact]
    public void Coverage_gaps_are_reported()
    {
        var coverage = new CoverageTable();
        coverage.RecordQuery(AddressKind.Low, Ownership.NotOwned, new AppliedGarbage(GarbageClass.TableSize, 0, GarbageDelivery.Written));
        IReadOnlyList<string> gaps = coverage.Gaps();
        Assert.Contains("garbage class ReleasedSlot", gaps);
        Assert.Contains("address kind FreedArena", gaps);
        Assert.DoesNotContain("garbage class TableSize", gaps);
    }
}
