using PymallocVerify.Allocator;

namespace PymallocVerify.Allocator.Tests;

/// <summary>The native backend's calloc: an overflowing product is refused before the C runtime sees it.</summary>
public class NativeMemorySpaceTests
{
    [Fact]
    public void Calloc_refuses_a_product_past_2_to_the_64_and_passes_any_other_request_to_the_runtime()
    {
        var memory = new NativeMemorySpace();
        Assert.Equal(0UL, memory.SystemCalloc(2, ulong.MaxValue / 2 + 1));
        // 2 · (2^63 - 1) fits: the runtime is asked, and says it has no such memory
        Assert.Throws<OutOfMemoryException>(() => memory.SystemCalloc(2, ulong.MaxValue / 2));
        ulong zeroCount = memory.SystemCalloc(0, 16); // a zero count is a request, not a division by zero
        Assert.NotEqual(0UL, zeroCount);
        memory.SystemFree(zeroCount);
    }
}
