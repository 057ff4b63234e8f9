namespace PymallocVerify.Allocator;

/// <summary>Thrown by <c>CheckInvariants</c>: names the first broken invariant and where it broke.</summary>
public sealed class HeapInvariantException(string invariant, string detail)
    : Exception($"invariant '{invariant}' broken: {detail}")
{
    /// <summary>A stable name for the rule (e.g. "nfp2lasta", "arena-nfreepools"), for tests and reports.</summary>
    public string Invariant { get; } = invariant;
    public string Detail { get; } = detail;
}
