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

    [Fact]
    public void An_access_just_inside_a_region_end_is_allowed_with_or_without_the_last_region()
    {
        var fence = new MemoryFence();
        fence.Add(0x1000, 0x100);
        Assert.True(fence.Contains(0x10f8, 8));  // searched
        Assert.True(fence.Contains(0x10f8, 8));  // answered by the last region
        Assert.False(fence.Contains(0x10f9, 8));
        Assert.False(fence.Contains(0x0ff8, 8)); // below the last region: searched, and in none
    }

    [Fact]
    public void The_last_region_does_not_answer_for_an_address_below_it()
    {
        var fence = new MemoryFence();
        fence.Add(0x10, 0x100);
        Assert.True(fence.Contains(0x20, 8));
        Assert.False(fence.Contains(0x8, 8));
    }

    [Fact]
    public void Regions_are_kept_in_order_whatever_order_they_come_in_and_an_empty_one_is_ignored()
    {
        var fence = new MemoryFence();
        fence.Add(0x3000, 0x100);
        fence.Add(0x1000, 0x100);
        fence.Add(0x1000, 0x100); // the same region again: both entries kept, the search still finds it
        fence.Add(0x2000, 0);
        Assert.Equal(3, fence.Count);
        Assert.True(fence.Contains(0x1000, 0x100));
        Assert.True(fence.Contains(0x3000, 0x100));
        Assert.False(fence.Contains(0x2000, 1));
    }

    [Fact]
    public void Remove_forgets_only_a_region_that_starts_at_the_address()
    {
        var fence = new MemoryFence();
        fence.Add(0x1000, 0x100);
        fence.Remove(0x2000); // in no region
        fence.Remove(0x1010); // inside one, but not its start
        Assert.Equal(1, fence.Count);
        fence.Remove(0x1000);
        Assert.Equal(0, fence.Count);
    }

    [Fact]
    public void A_refused_access_names_the_nearest_region_and_its_distance()
    {
        var fence = new MemoryFence();
        string Refusal(ulong address, ulong length) =>
            Assert.Throws<WildAccessException>(() => fence.Check("read", address, length)).Message;
        const string Outside = "outside every arena and test-owned region";
        Assert.Equal($"read of 8 byte(s) at 0x1000, {Outside}", Refusal(0x1000, 8));
        fence.Add(0x1000, 0x100);
        fence.Add(0x1201, 0xff);
        Assert.Equal($"read of 8 byte(s) at 0x10fc, {Outside} (nearest: [0x1000, 0x1100), 0 byte(s) away)", Refusal(0x10fc, 8));
        Assert.Equal($"read of 8 byte(s) at 0x1180, {Outside} (nearest: [0x1000, 0x1100), 129 byte(s) away)", Refusal(0x1180, 8)); // a tie: the first
        Assert.Equal($"read of 8 byte(s) at 0x11f0, {Outside} (nearest: [0x1201, 0x1300), 17 byte(s) away)", Refusal(0x11f0, 8));
        Assert.Equal($"read of 8 byte(s) at 0x1300, {Outside} (nearest: [0x1201, 0x1300), 1 byte(s) away)", Refusal(0x1300, 8));
        Assert.Equal($"read of 8 byte(s) at 0xf00, {Outside} (nearest: [0x1000, 0x1100), 256 byte(s) away)", Refusal(0xf00, 8));
    }
}
