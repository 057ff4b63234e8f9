using PymallocVerify.Allocator;
namespace PymallocVerify.Benchmarks.Workloads;

/// <summary>Request sizes of a workload: uniformly random 8..512 bytes (every small size class), or one fixed size.</summary>
public enum SizePattern
{
    Random8To512,
    Fixed32,
    Fixed64,
    Fixed256,
}

/// <summary>Deterministic inputs for the workloads (fixed seeds: every run measures the same sequence).</summary>
public static class Sequences
{
    public const int Seed = 20260729;

    public static uint[] Sizes(SizePattern pattern, int count, int seed = Seed)
    {
        var random = new SplitMix64((ulong)seed);
        var sizes = new uint[count];
        for (int i = 0; i < count; i++)
        {
            sizes[i] = pattern switch
            {
                SizePattern.Random8To512 => (uint)random.NextInt(8, 513),
                SizePattern.Fixed32 => 32,
                SizePattern.Fixed64 => 64,
                SizePattern.Fixed256 => 256,
                _ => throw new ArgumentOutOfRangeException(nameof(pattern), pattern, "unknown size pattern"),
            };
        }
        return sizes;
    }

    /// <summary>Uniformly random slots 0..liveCount-1: which live block each churn step replaces.</summary>
    public static ushort[] Slots(int liveCount, int count, int seed = Seed + 1)
    {
        if (liveCount is < 1 or > ushort.MaxValue + 1)
            throw new ArgumentOutOfRangeException(nameof(liveCount), liveCount, "1..65536 live blocks");
        var random = new SplitMix64((ulong)seed);
        var slots = new ushort[count];
        for (int i = 0; i < count; i++) slots[i] = (ushort)random.NextInt(liveCount);
        return slots;
    }

    /// <summary>A random permutation of 0..count-1.</summary>
    public static int[] Permutation(int count, int seed = Seed + 2)
    {
        int[] order = Enumerable.Range(0, count).ToArray();
        new SplitMix64((ulong)seed).Shuffle<int>(order);
        return order;
    }
}
