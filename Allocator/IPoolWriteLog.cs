namespace PymallocVerify.Allocator;

/// <summary>
/// What a memory backend knows about changes to pool memory: which pools may have changed since the heap last
/// audited itself. With one, a <see cref="HeapCheckLevel.Full"/> audit walks the blocks and free list only of the
/// pools that changed (or were never audited); the rest passed the same walk over the same bytes before. A log must
/// see every change to the bytes of a pool — the heap's writes, and any the backend or its test makes directly —
/// and answer "may have changed" for every pool when arenas come or go.
/// </summary>
public interface IPoolWriteLog
{
    /// <summary>
    /// The pools any byte of which may have changed since the last <see cref="Reset"/>, each by its base address (pools
    /// of the heap's geometry); false when every pool may have (arenas came or went, or more pools changed than the log
    /// keeps). The heap asks once per audit: a mutation writes one to three pools.
    /// </summary>
    bool TryListChanged(out ReadOnlySpan<ulong> pools);

    /// <summary>Forgets every change so far (the heap calls this after an audit passed).</summary>
    void Reset();
}
