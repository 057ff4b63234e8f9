using System.Numerics;

namespace PymallocVerify.Allocator;

/// <summary>
/// The shape of a pymalloc heap: alignment (size-class step), pool and arena sizes, the
/// small-request threshold and the OS page size the pool-header oracle's read must stay within.
/// A value: two geometries with the same numbers are equal.
/// </summary>
public sealed record Geometry
{
    /// <summary>Size of CPython's <c>struct pool_header</c> on 64-bit, before rounding up to the alignment.</summary>
    public const int PoolHeaderBytes = 48;

    public required string Name { get; init; }
    public required int Alignment { get; init; }
    public required int PoolSize { get; init; }
    public required int ArenaSize { get; init; }
    public required int SmallRequestThreshold { get; init; }

    /// <summary>The OS page size assumed by the pool-header oracle's precondition (pool base readable).</summary>
    public int PageSize { get; init; } = 4096;

    /// <summary>
    /// ADDRESS_BITS of the radix-tree oracle's arena map: 64 (CPython 3.11+) or 48 (3.10, the top 16 address bits
    /// ignored). Only the node sizes (so the statistics) and addresses at or above 2^48 tell them apart.
    /// </summary>
    public int RadixAddressBits { get; init; } = Radix.ArenaMapLayout.FullAddressBits;

    /// <summary>
    /// Opt-in to run the pool-header oracle with pools larger than a page — the configuration bpo-37211
    /// called a "segfault factory". Exists only to demonstrate that failure; never set it otherwise.
    /// </summary>
    public bool UnsafeAllowPoolHeaderOracleWithPoolsLargerThanPage { get; init; }

    /// <summary>256 KiB arenas, 4 KiB pools, 16-byte alignment, threshold 512 (CPython 3.8–3.9).</summary>
    public static Geometry Classic { get; } = new()
    { Name = "classic", Alignment = 16, PoolSize = 4096, ArenaSize = 256 * 1024, SmallRequestThreshold = 512 };

    /// <summary>1 MiB arenas, 16 KiB pools (CPython 3.10+ on 64-bit, radix tree).</summary>
    public static Geometry Modern { get; } = new()
    { Name = "modern", Alignment = 16, PoolSize = 16 * 1024, ArenaSize = 1024 * 1024, SmallRequestThreshold = 512 };

    /// <summary>Four 256-byte pools per arena and four size classes: small enough to explore exhaustively.</summary>
    public static Geometry Tiny { get; } = new()
    { Name = "tiny", Alignment = 16, PoolSize = 256, ArenaSize = 1024, SmallRequestThreshold = 64 };

    public static IReadOnlyList<Geometry> Presets { get; } = [Classic, Modern, Tiny];

    /// <summary>Finds a preset by name (case-insensitive); throws <see cref="ArgumentException"/> listing the known names.</summary>
    public static Geometry FromName(string name) =>
        Presets.FirstOrDefault(g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException(
            $"unknown geometry '{name}'; expected one of: {string.Join(", ", Presets.Select(p => p.Name))}", nameof(name));

    public int AlignmentShift => BitOperations.Log2((uint)Alignment);
    public int PoolBits => BitOperations.Log2((uint)PoolSize);
    public int ArenaBits => BitOperations.Log2((uint)ArenaSize);

    /// <summary>POOL_OVERHEAD: the header rounded up to the alignment, so the first block is aligned.</summary>
    public int PoolOverhead => (PoolHeaderBytes + Alignment - 1) & ~(Alignment - 1);

    public int NumSizeClasses => SmallRequestThreshold / Alignment;
    public int MaxPoolsInArena => ArenaSize / PoolSize;

    /// <summary>Size class of a request 1..threshold: <c>(n - 1) &gt;&gt; log2(ALIGNMENT)</c>.</summary>
    public int SizeClassOf(int requestBytes)
    {
        if (requestBytes < 1 || requestBytes > SmallRequestThreshold)
            throw new ArgumentOutOfRangeException(nameof(requestBytes), requestBytes,
                $"a small request is 1..{SmallRequestThreshold} bytes");
        // Stryker disable once Bitwise : requestBytes - 1 is at least 0 here, so >>> shifts in zeros exactly as >> does
        return (requestBytes - 1) >> AlignmentShift;
    }

    /// <summary>Block size of a size class: <c>(c + 1) · ALIGNMENT</c>.</summary>
    public int BlockSize(int sizeClass) => (sizeClass + 1) << AlignmentShift;

    /// <summary>NUMBLOCKS: how many blocks of a class fit in one pool after its header.</summary>
    public int BlocksPerPool(int sizeClass) => (PoolSize - PoolOverhead) / BlockSize(sizeClass);

    /// <summary>
    /// Refuses a geometry that would break the allocator, naming the rule. CPython's "ARENA_BITS &lt; 32" and
    /// "at most 64 classes" need no check here: sizes are <c>int</c> powers of two (at most 2^30), and
    /// alignment ≥ 8 with threshold ≤ 512 gives at most 64 classes. <paramref name="oracle"/>
    /// adds the pool-header oracle's own precondition (its index read must stay in p's page).
    /// </summary>
    public void Validate(OracleKind oracle)
    {
        static bool Pow2(int x) => x > 0 && (x & (x - 1)) == 0;
        void Fail(string rule) => throw new ArgumentException($"invalid geometry '{Name}': {rule}");

        if (!Pow2(Alignment) || Alignment < 8)
            Fail($"alignment must be a power of two and at least 8 (a free block stores an 8-byte link); got {Alignment}");
        if (!Pow2(PoolSize))
            Fail($"pool size must be a power of two (pool base = p & ~(POOL_SIZE-1)); got {PoolSize}");
        if (!Pow2(ArenaSize))
            Fail($"arena size must be a power of two; got {ArenaSize}");
        if (!Pow2(PageSize))
            Fail($"page size must be a power of two; got {PageSize}");
        if (PoolSize > ArenaSize)
            Fail($"pool size {PoolSize} is larger than arena size {ArenaSize}");
        if (ArenaSize / PoolSize < 2)
            Fail($"an arena must hold at least two pools (an unaligned arena loses one); got {ArenaSize / PoolSize}");
        if (SmallRequestThreshold < Alignment || SmallRequestThreshold > 512)
            Fail($"threshold must satisfy ALIGNMENT <= threshold <= 512; got {SmallRequestThreshold}");
        if (SmallRequestThreshold % Alignment != 0)
            Fail($"threshold {SmallRequestThreshold} is not a multiple of the alignment {Alignment}");
        if (BlocksPerPool(NumSizeClasses - 1) < 2)
            Fail($"a pool must hold at least two blocks of the largest class ({BlockSize(NumSizeClasses - 1)} bytes) " +
                 $"after its {PoolOverhead}-byte header: pool initialisation threads the second block");
        if (RadixAddressBits > 64 || RadixAddressBits - ArenaBits < 3)
            Fail($"the arena map's address bits must be at most 64 and at least ARENA_BITS + 3 (one key bit per level); got {RadixAddressBits}");
        if (oracle == OracleKind.PoolIndex && PoolSize > PageSize && !UnsafeAllowPoolHeaderOracleWithPoolsLargerThanPage)
            Fail($"the pool-header oracle needs POOL_SIZE <= page size ({PoolSize} > {PageSize}): its read of a foreign " +
                 "pointer's pool base could fall in an unmapped page (bpo-37211); use the radix-tree oracle");
    }
}
