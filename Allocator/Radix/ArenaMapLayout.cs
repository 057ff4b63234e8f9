namespace PymallocVerify.Allocator.Radix;

/// <summary>
/// The bit split of CPython's 64-bit arena map: the key is the address bits above ARENA_BITS and below ADDRESS_BITS,
/// split into root/mid/bottom with <c>INTERIOR_BITS = (ADDRESS_BITS − ARENA_BITS + 2) / 3</c> each for root and mid
/// and the rest for the bottom. 3.11+ keys on all 64 bits (bpo-45526): ARENA_BITS 20 gives 15/15/14, 18 gives 16/16/14.
/// 3.10 keyed on 48 (10/10/8 with 1 MiB arenas): the indices are masked to their widths, so the top 16 address bits are
/// ignored and two addresses that differ only there share a leaf.
/// </summary>
public sealed record ArenaMapLayout
{
    /// <summary>ADDRESS_BITS of CPython 3.11+ on 64-bit.</summary>
    public const int FullAddressBits = 64;

    /// <summary>ADDRESS_BITS of CPython 3.10 on 64-bit.</summary>
    public const int Python310AddressBits = 48;

    /// <summary>sizeof(pointer) in an interior node, sizeof(arena_coverage_t) in a bottom node.</summary>
    public const int EntryBytes = 8;

    public ArenaMapLayout(int arenaBits, int addressBits = FullAddressBits)
    {
        if (arenaBits is < 1 or >= 32)
            throw new ArgumentOutOfRangeException(nameof(arenaBits), arenaBits, "ARENA_BITS must be 1..31 (tails are int32)");
        if (addressBits > FullAddressBits || addressBits - arenaBits < 3)
            throw new ArgumentOutOfRangeException(nameof(addressBits), addressBits,
                $"ADDRESS_BITS must be at most 64 and leave at least 3 key bits above ARENA_BITS ({arenaBits}): one per level");
        ArenaBits = arenaBits;
        AddressBits = addressBits;
        InteriorBits = (addressBits - arenaBits + 2) / 3;
        BottomBits = addressBits - arenaBits - 2 * InteriorBits;
    }

    public int ArenaBits { get; }

    /// <summary>ADDRESS_BITS: the key's top; bits above it are ignored.</summary>
    public int AddressBits { get; }

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
