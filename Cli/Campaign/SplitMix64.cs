namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// A tiny deterministic generator (SplitMix64), ours so a seed means the same workload on every .NET version
/// (System.Random's sequences are not a compatibility promise).
/// </summary>
public struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong NextUInt64()
    {
        _state += 0x9E3779B97F4A7C15;
        return SeedSplitter.Mix(_state);
    }

    /// <summary>Uniform in [0, <paramref name="bound"/>); bound ≥ 1. Lemire's multiply-shift, bias below 2^-32.</summary>
    public int Next(int bound) => (int)(((NextUInt64() >> 32) * (ulong)bound) >> 32);

    public uint NextUInt32() => (uint)(NextUInt64() >> 32);

    /// <summary>True with probability <paramref name="percent"/>/100.</summary>
    public bool Chance(int percent) => Next(100) < percent;
}
