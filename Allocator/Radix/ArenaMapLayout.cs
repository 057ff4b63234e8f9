namespace PymallocVerify.Allocator.Radix;

/// <summary>
/// The bit split of CPython's 64-bit arena map (3.11+, ADDRESS_BITS 64): the key is the address bits above
/// ARENA_BITS, split into root/mid/bottom with <c>INTERIOR_BITS = (64 − ARENA_BITS + 2) / 3</c> each for root and
/// mid and the rest for the bottom. ARENA_BITS 20 gives 15/15/14; 18 gives 16/16/14.
/// </summary>
public sealed record ArenaMapLayout
{
    public const int AddressBits = 64;

    /// <summary>sizeof(pointer) in an interior node, sizeof(arena_coverage_t) in a bottom node.</summary>
    public const int EntryBytes = 8;

    public ArenaMapLayout(int arenaBits)
    {
        if (arenaBits is < 1 or >= 32)
            throw new ArgumentOutOfRangeException(nameof(arenaBits), arenaBits, "ARENA_BITS must be 1..31 (tails are int32)");
        ArenaBits = arenaBits;
        InteriorBits = (AddressBits - arenaBits + 2) / 3;
        BottomBits = AddressBits - arenaBits - 2 * InteriorBits;
    }

    public int ArenaBits { get; }
    public int InteriorBits { get; }
    public int TopBits => InteriorBits;
    public int MidBits => InteriorBits;
    public int BottomBits { get; }

    public int BottomShift => ArenaBits;
    public int MidShift => BottomShift + BottomBits;
    public int TopShift => MidShift + MidBits;

    public ulong ArenaMask => (1UL << ArenaBits) - 1;

    /// <summary>sizeof(arena_map_root): static in CPython (BSS).</summary>
    public long RootBytes => (long)EntryBytes << TopBits;

    /// <summary>sizeof(arena_map_mid_t).</summary>
    public long MidNodeBytes => (long)EntryBytes << MidBits;

    /// <summary>sizeof(arena_map_bot_t).</summary>
    public long BottomNodeBytes => (long)EntryBytes << BottomBits;
}
