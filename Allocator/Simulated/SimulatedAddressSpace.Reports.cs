namespace PymallocVerify.Allocator.Simulated;

/// <summary>Thrown at the first unsuppressed error when <see cref="SimulatedAddressSpace.ThrowOnError"/> is set.</summary>
public sealed class MemcheckException(MemcheckError error) : Exception(error.ToString())
{
    public MemcheckError Error { get; } = error;
}

public sealed partial class SimulatedAddressSpace
{
    private readonly List<MemcheckError> _errors = [];
    private readonly List<SuppressedRead> _suppressedReads = [];
    private long _errorCount;
    private long _suppressedReadCount;

    /// <summary>Named suppressions in force; by default only <see cref="Suppression.ClassicOracleArenaIndexRead"/>.</summary>
    public List<Suppression> Suppressions { get; } = [.. Suppression.Default];

    /// <summary>
    /// Chooses the value of an arena-index read whose bytes are not all defined; null returns the stored bytes.
    /// A checker sets it (or calls <see cref="InjectGarbage"/>), re-runs the query, and collects the answers.
    /// </summary>
    public GarbageProvider? Garbage { get; set; }

    /// <summary>At most this many errors and suppressed reads are kept (each); the counts go on.</summary>
    public int MaxRecordedReports { get; set; } = 10_000;

    /// <summary>
    /// A lower bound for suppressed reads alone (the count goes on): a checker that only needs their number and the
    /// first one need not pay for a record, and a region lookup, per read.
    /// </summary>
    public int MaxRecordedSuppressedReads { get; set; } = int.MaxValue;

    /// <summary>Throw <see cref="MemcheckException"/> at the first unsuppressed error (after recording it).</summary>
    public bool ThrowOnError { get; set; }

    /// <summary>Recorded errors, oldest first (at most <see cref="MaxRecordedReports"/>).</summary>
    public IReadOnlyList<MemcheckError> Errors => _errors;

    /// <summary>Recorded suppressed reads, oldest first (at most <see cref="MaxRecordedReports"/>).</summary>
    public IReadOnlyList<SuppressedRead> SuppressedReads => _suppressedReads;

    /// <summary>Every unsuppressed error since the last <see cref="ClearReports"/>, recorded or not.</summary>
    public long ErrorCount => _errorCount;

    /// <summary>Every suppressed read since the last <see cref="ClearReports"/>, recorded or not.</summary>
    public long SuppressedReadCount => _suppressedReadCount;

    /// <summary>Arena-index reads so far (as in <see cref="GetStats"/>, without building the statistics).</summary>
    public long ArenaIndexReads => _arenaIndexReads;

    /// <summary>Makes every undefined/unaddressable arena-index read return <paramref name="value"/>.</summary>
    public void InjectGarbage(uint value) => Garbage = (in GarbageRequest _) => value;

    /// <summary>Forgets recorded errors and suppressed reads and zeroes their counts.</summary>
    public void ClearReports()
    {
        _errors.Clear();
        _suppressedReads.Clear();
        _errorCount = 0;
        _suppressedReadCount = 0;
    }

    private void RecordBadRead(MemoryAccess access, ulong address, ulong size, ShadowState state, ulong badAddress, ulong stored, ulong returned)
    {
        foreach (Suppression suppression in Suppressions)
        {
            if (!suppression.Covers(access, state)) continue;
            _suppressedReadCount++;
            if (_suppressedReads.Count < Math.Min(MaxRecordedReports, MaxRecordedSuppressedReads))
            {
                _suppressedReads.Add(new SuppressedRead(suppression.Name, access, address, (int)size, state, stored, returned,
                    CurrentOperationIndex, FindLive(badAddress)));
            }
            return;
        }
        MemcheckErrorKind kind = state switch
        {
            ShadowState.Undefined => MemcheckErrorKind.UninitialisedValue,
            ShadowState.Unaddressable => MemcheckErrorKind.InvalidRead,
            _ => MemcheckErrorKind.UnmappedRead,
        };
        Report(kind, access, address, size, badAddress);
    }

    private void RecordBadWrite(MemoryAccess access, ulong address, ulong size, ShadowState state, ulong badAddress) =>
        Report(state == ShadowState.Unmapped ? MemcheckErrorKind.UnmappedWrite : MemcheckErrorKind.InvalidWrite,
            access, address, size, badAddress);

    private void Report(MemcheckErrorKind kind, MemoryAccess access, ulong address, ulong size, ulong badAddress)
    {
        _errorCount++;
        // Stryker disable once Equality,Statement : without the early return an error is built but not kept, as the check below keeps none past the cap
        if (_errors.Count >= MaxRecordedReports && !ThrowOnError) return;
        var error = new MemcheckError(kind, access, address, size, badAddress, CurrentOperationIndex, CodeSite.Capture(),
            Describe(badAddress));
        if (_errors.Count < MaxRecordedReports) _errors.Add(error);
        if (ThrowOnError) throw new MemcheckException(error);
    }

    /// <summary>Where an address lies, in memcheck's words: inside/after/before a live block, inside a freed one, unmapped.</summary>
    public string Describe(ulong address)
    {
        if (FindLive(address) is { } inside)
            return $"is {address - inside.Base} bytes inside {inside}";
        const ulong near = 4096;
        // The bytes between a block and the address, which no live block holds (FindLive); for a block on the other
        // side of it the difference wraps to near 2^64, so that block is not near.
        SimulatedAllocation? before = _live.Values.Where(a => address - a.Last - 1 < near).MaxBy(a => a.Last);
        SimulatedAllocation? after = _live.Values.Where(a => a.Base - address - 1 < near).MinBy(a => a.Base);
        string mapped = IsMapped(address) ? "" : " (in no mapped page)";
        foreach (SimulatedAllocation freed in _recentlyFreed.Reverse())
        {
            if (freed.Contains(address)) return $"is {address - freed.Base} bytes inside {freed}{mapped}";
        }
        if (before is not null && (after is null || address - before.Last <= after.Base - address))
            return $"is {address - before.Last - 1} bytes after {before}{mapped}";
        if (after is not null) return $"is {after.Base - address} bytes before {after}{mapped}";
        return IsMapped(address) ? "is in a mapped page but in no known block" : "is in no mapped page";
    }
}
