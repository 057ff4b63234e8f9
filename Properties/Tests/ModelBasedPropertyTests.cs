using PymallocVerify.Model;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Specs;
using Xunit;
using Xunit.Abstractions;
using static PymallocVerify.Properties.Tests.AllocatorPropertyTests;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// The programs of <see cref="AllocatorPropertyTests"/> reach what they must: every garbage class, address kind, spec
/// answer and delivery on each geometry; addresses inside a live arena outside its pools for the radix tree; NotOwned
/// questions for the oracle pair; garbage served to an unmapped read on the simulated space. A gap fails.
/// </summary>
public class ModelBasedPropertyTests(ITestOutputHelper output)
{
    private CoverageTable Show(CoverageTable coverage)
    {
        output.WriteLine(coverage.Format());
        return coverage;
    }

    [Fact] public void Classic_programs_exercise_every_garbage_class_and_address_kind() => Assert.Empty(Show(AllocatorPropertyAttribute.CoverageOf<OnClassic>(Classic, LongPrograms)).Gaps());
    [Fact] public void Modern_programs_exercise_every_garbage_class_and_address_kind() => Assert.Empty(Show(AllocatorPropertyAttribute.CoverageOf<OnModern>(Modern, LongPrograms)).Gaps());
    [Fact] public void Tiny_programs_exercise_every_garbage_class_and_address_kind() => Assert.Empty(Show(AllocatorPropertyAttribute.CoverageOf<OnTiny>(Tiny)).Gaps());
    [Fact] public void Micro_programs_exercise_every_garbage_class_and_address_kind() => Assert.Empty(Show(AllocatorPropertyAttribute.CoverageOf<OnMicro>(Micro)).Gaps());

    [Fact]
    public void The_programs_meet_every_allocator_situation()
    {
        var all = new CoverageTable();
        all.Add(AllocatorPropertyAttribute.CoverageOf<OnTiny>(Tiny));
        all.Add(AllocatorPropertyAttribute.CoverageOf<OnMicro>(Micro));
        all.Add(AllocatorPropertyAttribute.CoverageOf<OnClassic>(Classic, LongPrograms));
        all.Add(AllocatorPropertyAttribute.CoverageOf<OnTinySimulatedReuse>(60)); // the native backend never reuses an arena's address
        Show(all);
        Assert.Empty(all.SituationGaps());
    }

    [Fact]
    public void Radix_programs_ask_inside_live_arenas_outside_their_pools()
    {
        Assert.True(Show(AllocatorPropertyAttribute.CoverageOf<OnTinyRadix>(Tiny / 3)).QueriesWith(Ownership.Unspecified) > 0);
        Assert.True(Show(AllocatorPropertyAttribute.CoverageOf<OnMicroRadix>(Micro / 3)).QueriesWith(Ownership.Unspecified) > 0);
    }

    [Fact]
    public void Differential_programs_ask_about_addresses_in_no_arena() =>
        Assert.True(Show(AllocatorPropertyAttribute.CoverageOf<OnMicroDifferential>(Micro / 3)).QueriesWith(Ownership.NotOwned) > 0);

    [Fact]
    public void Simulated_programs_serve_garbage_to_reads_of_memory_the_test_cannot_write() =>
        Assert.True(Show(AllocatorPropertyAttribute.CoverageOf<OnMicroSimulated>(60)).Deliveries(GarbageDelivery.Simulated) > 0);

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
