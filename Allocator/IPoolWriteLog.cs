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
    /// <summary>Whether any byte of the pool at <paramref name="pool"/> may have changed since the last <see cref="Reset"/>.</summary>
    bool MayHaveChanged(ulong pool);

    /// <summary>Forgets every change so far (the heap calls this after an audit passed).</summary>
    void Reset();
}
