using System.Text.Json.Serialization;

namespace PymallocVerify.Model;

/// <summary>
/// The heap's shape as the model needs it: plain numbers only, so Model never depends on Allocator.
/// The model uses them to name pools (p &amp; ~(POOL_SIZE-1)), to know which requests pymalloc serves,
/// and to check block placement.
/// </summary>
public sealed record ModelGeometry(string Name, int Alignment, int PoolSize, int ArenaSize, int SmallRequestThreshold)
{
    /// <summary>sizeof(struct pool_header) on 64-bit; the first block sits after it, rounded to the alignment.</summary>
    public const int PoolHeaderBytes = 48;

    [JsonIgnore]
    public int PoolOverhead => (PoolHeaderBytes + Alignment - 1) & ~(Alignment - 1);

    public ulong PoolBaseOf(ulong address) => address & ~((ulong)PoolSize - 1);

    /// <summary>Requests pymalloc serves itself: 1..threshold bytes (0 and larger ones go to the system allocator).</summary>
    public bool IsSmallRequest(ulong bytes) => bytes >= 1 && bytes <= (ulong)SmallRequestThreshold;

    /// <summary>The block a small request really gets: the request rounded up to the alignment (its size class).</summary>
    public ulong BlockSizeFor(ulong bytes) => (bytes + (ulong)Alignment - 1) & ~((ulong)Alignment - 1);

    /// <summary>Throws <see cref="ArgumentException"/> naming the first broken rule.</summary>
    public void Validate()
    {
        static bool Pow2(int x) => x > 0 && (x & (x - 1)) == 0;
        void Fail(string rule) => throw new ArgumentException($"invalid model geometry '{Name}': {rule}");
        if (string.IsNullOrWhiteSpace(Name)) Fail("a geometry needs a name");
        if (!Pow2(Alignment) || Alignment < 8) Fail($"alignment must be a power of two >= 8; got {Alignment}");
        if (!Pow2(PoolSize)) Fail($"pool size must be a power of two; got {PoolSize}");
        if (!Pow2(ArenaSize)) Fail($"arena size must be a power of two; got {ArenaSize}");
        if (ArenaSize / PoolSize < 2) Fail($"an arena must hold at least two pools; got arena {ArenaSize}, pool {PoolSize}");
        if (SmallRequestThreshold < Alignment || SmallRequestThreshold > 512 || SmallRequestThreshold % Alignment != 0)
            Fail($"threshold must be a multiple of the alignment in [alignment, 512]; got {SmallRequestThreshold}");
    }

    public override string ToString() =>
        $"{Name} (alignment {Alignment}, pool {PoolSize}, arena {ArenaSize}, threshold {SmallRequestThreshold})";
}
