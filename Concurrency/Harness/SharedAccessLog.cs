using PymallocVerify.Allocator;
using PymallocVerify.Model.Linearizability;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// The shared accesses of one iteration's concurrent phase, in the order they happened (stamped from the history's own
/// clock, so an access can be placed inside or outside another thread's heap call). From it,
/// <see cref="Interleavings"/> names which read of the publication protocol ran inside a mutation that changes what
/// it reads — before or after the mutation's write — the cells <see cref="AccessInterleavingCells"/> requires.
/// </summary>
public sealed class SharedAccessLog
{
    private readonly Lock _gate = new();
    private readonly List<Entry> _entries = [];

    /// <param name="Invocation">The stamp of the heap call the access is part of (0 outside one).</param>
    private readonly record struct Entry(int Thread, SharedAccess Access, long Stamp, long Invocation);

    public void Record(int thread, SharedAccess access, long stamp, long invocation)
    {
        lock (_gate) _entries.Add(new Entry(thread, access, stamp, invocation));
    }

    /// <summary>
    /// Every cell this iteration hit: a read by one thread whose stamp falls inside another thread's heap call that
    /// performs a write changing what the read loads (<see cref="AccessInterleavingCells.Changes"/>), named
    /// "read before write" or "read after write" by which side of that write it ran.
    /// </summary>
    public IReadOnlySet<string> Interleavings(IReadOnlyList<TimedCall<HeapCall>> history)
    {
        Entry[] entries;
        lock (_gate) entries = [.. _entries];
        // Entries are in stamp order (one controlled thread runs at a time), so the reads inside a call's window are a
        // contiguous run found by binary search.
        long[] stamps = [.. entries.Select(e => e.Stamp)];
        var calls = new Dictionary<(int, long), long>();
        foreach (TimedCall<HeapCall> call in history) calls[(call.Thread, call.Invoked)] = call.Returned;
        var hit = new HashSet<string>(StringComparer.Ordinal);
        foreach (Entry write in entries)
        {
            if (write.Invocation == 0 || !calls.TryGetValue((write.Thread, write.Invocation), out long returned)) continue;
            int first = Array.BinarySearch(stamps, write.Invocation);
            for (int i = first < 0 ? ~first : first; i < entries.Length && entries[i].Stamp <= returned; i++)
            {
                Entry read = entries[i];
                if (read.Thread == write.Thread || !AccessInterleavingCells.Changes(write.Access, read.Access)) continue;
                hit.Add(AccessInterleavingCells.Name(read.Access, read.Stamp < write.Stamp, write.Access));
            }
        }
        return hit;
    }
}
