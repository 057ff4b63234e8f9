using PymallocVerify.Allocator;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// The seeded generator keeps its promise: a seed means the same sequence on every runtime. The expected values are
/// SplitMix64's published output (seed 0) and, for the derived draws, this generator's own output pinned once.
/// </summary>
public class SplitMix64Tests
{
    [Fact]
    public void Seed_zero_gives_SplitMix64s_reference_sequence()
    {
        var random = new SplitMix64(0);
        Assert.Equal(0xE220_A839_7B1D_CDAFUL, random.Next());
        Assert.Equal(0x6E78_9E6A_A1B9_65F4UL, random.Next());
    }

    [Fact]
    public void Derived_draws_are_pinned_for_a_seed()
    {
        var random = new SplitMix64(7);
        Assert.Equal(0x63CB_E1E4U, random.NextUInt32());
        random = new SplitMix64(7);
        Assert.Equal([13, 10, 19, 15, 14, 12, 14, 13], Enumerable.Range(0, 8).Select(_ => random.NextInt(10, 20)).ToArray());
    }

    [Fact]
    public void Shuffle_gives_the_same_order_for_the_same_seed_and_draws_once_per_position_after_the_first()
    {
        var random = new SplitMix64(42);
        int[] items = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
        random.Shuffle<int>(items);
        Assert.Equal([8, 3, 6, 5, 4, 0, 9, 2, 1, 7], items);
        Assert.Equal(0x9E54_D738_297F_77AEUL, random.Next()); // nine draws taken, no more
    }

    [Fact]
    public void Chance_is_never_at_0_percent_always_at_100_and_about_half_at_50()
    {
        var random = new SplitMix64(1);
        Assert.DoesNotContain(true, Enumerable.Range(0, 1000).Select(_ => random.Chance(0)));
        Assert.DoesNotContain(false, Enumerable.Range(0, 1000).Select(_ => random.Chance(100)));
        random = new SplitMix64(1);
        Assert.Equal(537, Enumerable.Range(0, 1000).Count(_ => random.Chance(50)));
    }
}
