using PymallocVerify.Allocator;

namespace PymallocVerify.Allocator.Tests;

/// <summary>
/// The fence answers most tests from the region that answered last, without searching; these pin what that
/// shortcut must still refuse.
/// </summary>
public class MemoryFenceTests
{
    [Fact]
    public void An_access_that_starts_in_the_last_region_and_runs_past_its_end_is_refused()
    {
        var fence = new MemoryFence();
        fence.Add(0x1000, 0x100);
        fence.Add(0x1100, 0x100); // adjacent, but a separate region: one access may not span both
        Assert.True(fence.Contains(0x1010, 8));
        Assert.False(fence.Contains(0x10fc, 8));
        Assert.Throws<WildAccessException>(() => fence.Check("read", 0x10fc, 8));
        Assert.True(fence.Contains(0x1100, 8));
    }

    [Fact]
    public void A_region_forgotten_or_cleared_after_it_answered_no_longer_answers()
    {
        var fence = new MemoryFence();
        fence.Add(0x1000, 0x100);
        fence.Add(0x3000, 0x100);
        Assert.True(fence.Contains(0x1000, 8));
        fence.Remove(0x1000);
        Assert.False(fence.Contains(0x1000, 8));
        Assert.True(fence.Contains(0x3000, 8));
        fence.Clear();
        Assert.False(fence.Contains(0x3000, 8));
        Assert.Equal(0, fence.Count);
    }
}
