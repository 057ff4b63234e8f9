namespace PymallocVerify.Allocator.Radix;

/// <summary>
/// CPython's <c>arena_coverage_t</c>, one per ARENA_SIZE-aligned span of addresses. An arena at base b with
/// <c>t = b mod ARENA_SIZE</c> covers the top of b's span from offset t (<see cref="TailHi"/> = t, or −1 when
/// t = 0: the whole span) and the bottom of the next span below offset t (<see cref="TailLo"/> = t). 0 = nothing.
/// </summary>
public struct ArenaCoverage
{
    public int TailHi;
    public int TailLo;

    /// <summary>Is the span offset <paramref name="offset"/> covered? (<c>arena_map_is_used</c>'s test.)</summary>
    public readonly bool Covers(int offset) => offset < TailLo || (offset >= TailHi && TailHi != 0);

    public override readonly string ToString() => $"{{tail_hi = {TailHi}, tail_lo = {TailLo}}}";
}
