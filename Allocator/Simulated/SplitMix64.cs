namespace PymallocVerify.Allocator.Simulated;

/// <summary>A tiny seeded generator (SplitMix64): the same seed gives the same layout on every runtime.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E37_79B9_7F4A_7C15;
        z = (z ^ (z >> 30)) * 0xBF58_476D_1CE4_E5B9;
        z = (z ^ (z >> 27)) * 0x94D0_49BB_1331_11EB;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform enough in <c>[0, bound)</c>; 0 when bound is 0.</summary>
    public ulong Below(ulong bound) => bound == 0 ? 0 : Next() % bound;
}
