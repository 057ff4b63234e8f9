namespace PymallocVerify.Allocator;

/// <summary>
/// The one seeded generator of the solution (SplitMix64). Ours rather than <see cref="System.Random"/>, whose
/// sequences .NET does not promise to keep across versions: a seed must mean the same layout, workload or scenario
/// on every runtime.
/// </summary>
public struct SplitMix64(ulong seed)
{
    /// <summary>The generator's step: an odd constant, so consecutive states never repeat within 2^64 steps.</summary>
    public const ulong Gamma = 0x9E37_79B9_7F4A_7C15;

    private ulong _state = seed;

    public ulong Next() => Mix(_state += Gamma);

    /// <summary>Uniform enough in <c>[0, bound)</c>; 0 when bound is 0.</summary>
    public ulong Below(ulong bound) => bound == 0 ? 0 : Next() % bound;

    /// <summary>Uniform in [0, <paramref name="bound"/>); bound ≥ 1. Lemire's multiply-shift, bias below 2^-32.</summary>
    // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
    public int NextInt(int bound) => (int)(((Next() >> 32) * (ulong)bound) >> 32);

    /// <summary>Uniform in [<paramref name="min"/>, <paramref name="maxExclusive"/>); min &lt; maxExclusive.</summary>
    public int NextInt(int min, int maxExclusive) => min + NextInt(maxExclusive - min);

    // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
    public uint NextUInt32() => (uint)(Next() >> 32);

    /// <summary>True with probability <paramref name="percent"/>/100.</summary>
    public bool Chance(int percent) => NextInt(100) < percent;

    /// <summary>Fisher–Yates: every order equally likely, the same order for the same seed on every runtime.</summary>
    public void Shuffle<T>(Span<T> items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    /// <summary>SplitMix64's finalizer: a bijection on 64-bit values with good avalanche.</summary>
    public static ulong Mix(ulong z)
    {
        // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        // Stryker disable once Bitwise : the operand is unsigned, so >>> shifts in zeros exactly as >> does
        return z ^ (z >> 31);
    }
}
