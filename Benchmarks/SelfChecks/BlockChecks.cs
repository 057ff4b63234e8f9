namespace PymallocVerify.Benchmarks.SelfChecks;

/// <summary>Checks on the blocks a workload holds, whichever allocator produced them.</summary>
public static class BlockChecks
{
    /// <summary>Every block is non-null, 16-byte aligned, and no two of them overlap.</summary>
    public static void Disjoint(ulong[] blocks, ulong[] sizes)
    {
        Check.That(blocks.Length == sizes.Length, "one size per block expected");
        var order = new int[blocks.Length];
        for (int i = 0; i < order.Length; i++)
        {
            order[i] = i;
            Check.That(blocks[i] != 0, $"block {i} is null (allocation failed)");
            Check.That(blocks[i] % 16 == 0, $"block {i} at 0x{blocks[i]:x} is not 16-byte aligned");
        }
        Array.Sort(order, (a, b) => blocks[a].CompareTo(blocks[b]));
        for (int k = 1; k < order.Length; k++)
        {
            int previous = order[k - 1], current = order[k];
            Check.That(blocks[previous] + sizes[previous] <= blocks[current],
                $"blocks {previous} (0x{blocks[previous]:x}, {sizes[previous]} bytes) and {current} (0x{blocks[current]:x}) overlap");
        }
    }
}
