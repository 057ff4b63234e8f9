namespace PymallocVerify.Allocator.Simulated;

/// <summary>
/// A named permission to read undefined or unaddressable memory through one entry point — the analogue of an
/// entry in CPython's <c>Misc/valgrind-python.supp</c>. It never covers an unmapped read: a suppression file
/// cannot stop a SIGSEGV.
/// </summary>
public sealed record Suppression(string Name, MemoryAccess Access, string Reason)
{
    /// <summary>
    /// The one suppression shipped: the classic <c>address_in_range</c> reads the arena index at the pool base of
    /// any pointer, pymalloc's or not (valgrind-python.supp's ADDRESS_IN_RANGE Addr4/Value4/Cond entries).
    /// </summary>
    public static Suppression ClassicOracleArenaIndexRead { get; } = new(
        "pymalloc-address-in-range",
        MemoryAccess.ReadArenaIndex,
        "address_in_range reads the arena index at a foreign pointer's pool base; the decision must not depend on it");

    /// <summary>The default list: <see cref="ClassicOracleArenaIndexRead"/> only.</summary>
    public static IReadOnlyList<Suppression> Default { get; } = [ClassicOracleArenaIndexRead];

    internal bool Covers(MemoryAccess access, ShadowState state) =>
        access == Access && state is ShadowState.Undefined or ShadowState.Unaddressable;
}
