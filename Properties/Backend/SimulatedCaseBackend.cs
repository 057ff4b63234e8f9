using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Model;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Backend;

/// <summary>
/// The simulated address space with memcheck in the loop (docs/memcheck.md):
/// <list type="bullet">
/// <item>any unsuppressed memcheck error fails the step, reported with its address, operation index and code site;</item>
/// <item>wherever the classic oracle's index read saw garbage (a suppressed read, or an unmapped read outside its
/// precondition), the decision is re-evaluated under every garbage value and must not change;</item>
/// <item>the radix oracle must make no arena-index read at all.</item>
/// </list>
/// The classic oracle's precondition is that p's pool base is readable; CPython only asks about pointers a program holds.
/// So an unmapped index read is tolerated for an is_owned query whose address lies in no live allocation (address 0, a
/// freed arena, …) — and is a failure for any address inside a live block, arena or foreign block (bpo-37211).
/// </summary>
public sealed class SimulatedCaseBackend : ICaseBackend
{
    /// <summary>Index values besides every slot: out of range (added to the table size at run time) and far out.</summary>
    private static readonly uint[] FarOutOfRange = [uint.MaxValue, 0x8000_0000];

    private readonly SimulatedAddressSpace _space;
    private readonly SystemEventRecorder _events = new();
    private readonly HashSet<int> _tolerated = [];
    private int _stepErrors;
    private long _stepErrorCount;
    private long _stepQuietlyTolerated;
    private int _questionErrors;
    private long _questionSuppressed;
    private bool _sawGarbage;
    private bool _outsidePrecondition;
    private bool _quiet;
    private long _quietErrors;
    private long _quietIndexReads;
    private long _quietlyTolerated;
    private readonly ulong _poolMask;
    private const int RecordedReports = 10_000;

    /// <summary>The garbage of one re-evaluation: one provider whose value is set per re-evaluation, not one per value.</summary>
    private readonly FixedGarbage _reevaluationGarbage = new();
    private readonly GarbageProvider _reevaluationProvider;

    private sealed class FixedGarbage
    {
        public uint Value;

        public ulong Provide(in GarbageRequest request) => Value;
    }

    public SimulatedCaseBackend(Geometry geometry, SimulatedLayout layout)
    {
        ArgumentNullException.ThrowIfNull(layout);
        _space = layout.CreateSpace(geometry);
        _space.MaxRecordedReports = RecordedReports;
        _space.MaxRecordedSuppressedReads = 1; // the first names the radix oracle's forbidden read; the count does the rest
        _poolMask = ~((ulong)geometry.PoolSize - 1);
        _reevaluationProvider = _reevaluationGarbage.Provide;
    }

    public SimulatedAddressSpace Space => _space;

    /// <summary>Questions whose index read fell outside the classic oracle's precondition (unmapped, no pointer): tolerated.</summary>
    public long ToleratedUnmappedReads => _tolerated.Count + _quietlyTolerated;

    /// <summary>Re-evaluations of a decision under another garbage value.</summary>
    public long GarbageReevaluations { get; private set; }

    public IHeapDriver CreateHeap(HeapVariant variant, Geometry geometry, HeapCheckLevel checks) =>
        variant.Create(geometry, new SimulatedMemorySpace(_space, _events), checks);

    public ImmutableArray<SystemEvent> TakeEvents() => _events.TakeEvents();

    public ulong ForeignAlloc(ulong size) => _space.SystemMalloc(size);

    public void BeginStep(int step)
    {
        _space.CurrentOperationIndex = step;
        _stepErrors = _space.Errors.Count;
        _stepErrorCount = _space.ErrorCount;
        _stepQuietlyTolerated = _quietlyTolerated;
    }

    public AppliedGarbage ArmGarbage(ulong indexAddress, uint value, GarbageClass actual, ModelState state)
    {
        _space.InjectGarbage(value);
        _sawGarbage = false;
        return new AppliedGarbage(actual, value, GarbageDelivery.Simulated);
    }

    /// <summary>Delivered only if the read really saw garbage; defined bytes (e.g. a calloc'd foreign block) are read as they are.</summary>
    public AppliedGarbage DisarmGarbage(AppliedGarbage armed)
    {
        _space.Garbage = null;
        return _sawGarbage ? armed : armed with { Delivery = GarbageDelivery.NotApplied };
    }

    public void BeforeOwnershipQuestion(ulong address, bool isQuery)
    {
        _questionErrors = _space.Errors.Count;
        _questionSuppressed = _space.SuppressedReadCount;
        _outsidePrecondition = isQuery && _space.FindLive(address) is null;
        // No pointer, and its pool base unmapped: the classic read will fault. Count such errors instead of recording
        // each one (a report walks the stack), and tolerate them if every one is that index read.
        _quiet = _outsidePrecondition && !_space.IsMapped((address & _poolMask) + PoolHeader.ArenaIndex);
        if (_quiet) BeginQuiet();
    }

    public string? AfterOwnershipQuestion(IHeapDriver heap, ulong address, bool answer, bool isQuery, Ownership spec)
    {
        bool unmappedIndexRead = _quiet ? EndQuiet(heap, address) : _outsidePrecondition && Tolerate(_questionErrors);
        if (_space.SuppressedReadCount == _questionSuppressed && !unmappedIndexRead) return null;
        _sawGarbage = true;
        // Unspecified (a live arena outside its initialised pools): the classic oracle may answer either way.
        return spec == Ownership.Unspecified ? null : SameForEveryGarbage(heap, address, answer);
    }

    private void BeginQuiet()
    {
        _quietErrors = _space.ErrorCount;
        _quietIndexReads = _space.ArenaIndexReads;
        _space.MaxRecordedReports = 0; // counted, not recorded
    }

    /// <summary>
    /// True when the quiet question's only errors were its unmapped index reads (tolerated). Any other error is asked
    /// again out loud, so it is recorded with its site and fails the step.
    /// </summary>
    private bool EndQuiet(IHeapDriver heap, ulong address)
    {
        _space.MaxRecordedReports = RecordedReports;
        long errors = _space.ErrorCount - _quietErrors;
        if (errors == 0) return false;
        if (errors == _space.ArenaIndexReads - _quietIndexReads)
        {
            _quietlyTolerated += errors;
            return true;
        }
        _quietlyTolerated += errors; // counted above; the loud repeat records them, and its index reads are tolerated
        int from = _space.Errors.Count;
        heap.IsOwned(address);
        for (int i = from; i < _space.Errors.Count; i++)
            if (_space.Errors[i] is { Kind: MemcheckErrorKind.UnmappedRead, Access: MemoryAccess.ReadArenaIndex }) _tolerated.Add(i);
        return false;
    }

    /// <summary>Marks the errors since <paramref name="from"/> tolerated if each is an unmapped arena-index read.</summary>
    private bool Tolerate(int from)
    {
        if (_space.Errors.Count == from) return false;
        for (int i = from; i < _space.Errors.Count; i++)
            if (_space.Errors[i] is not { Kind: MemcheckErrorKind.UnmappedRead, Access: MemoryAccess.ReadArenaIndex }) return false;
        for (int i = from; i < _space.Errors.Count; i++) _tolerated.Add(i);
        return true;
    }

    /// <summary>
    /// The decision under every index value: out of range (maxarenas, maxarenas + 1, 2^31, 2^32 − 1), every slot (live,
    /// released, never used, the arena next to p) and the stored bytes. Null when all agree with <paramref name="answer"/>.
    /// </summary>
    private string? SameForEveryGarbage(IHeapDriver heap, ulong address, bool answer)
    {
        GarbageProvider? armed = _space.Garbage;
        ArenaObject[] table = heap.ArenaTable;
        uint n = (uint)table.Length;
        string? failure = null;
        try
        {
            // n, n + 1, the far values, every slot, then null: the stored bytes, whatever they are
            for (uint i = 0; i < n + 2 + (uint)FarOutOfRange.Length + 1; i++)
            {
                uint? value = i < 2 ? n + i
                    : i < 2 + (uint)FarOutOfRange.Length ? FarOutOfRange[i - 2]
                    : i < n + 2 + (uint)FarOutOfRange.Length ? i - 2 - (uint)FarOutOfRange.Length
                    : null;
                if (value is uint v)
                {
                    _reevaluationGarbage.Value = v;
                    _space.Garbage = _reevaluationProvider;
                }
                else _space.Garbage = null;
                int errors = _space.Errors.Count;
                if (_quiet) BeginQuiet();
                bool again;
                GarbageReevaluations++;
                try
                {
                    again = heap.IsOwned(address);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    return $"IsOwned(0x{address:x}) threw {e.GetType().Name} when its pool base held {Describe(value, table)}: {e.Message}";
                }
                finally
                {
                    if (_quiet) EndQuiet(heap, address);
                }
                if (_outsidePrecondition && !_quiet) Tolerate(errors);
                if (again != answer && failure is null)
                    failure = $"the decision for 0x{address:x} depends on uninitialised memory: {Lower(answer)} with the query's garbage, " +
                              $"{Lower(again)} when p's pool base held {Describe(value, table)}";
            }
            return failure;
        }
        finally
        {
            _space.Garbage = armed;
        }
    }

    private static string Lower(bool b) => b ? "true" : "false";

    private static string Describe(uint? value, ArenaObject[] table) => value switch
    {
        null => "its stored bytes",
        uint v when v >= table.Length => $"index {v} (out of range; maxarenas = {table.Length})",
        uint v when table[v].Address != 0 => $"index {v} (the slot of live arena 0x{table[v].Address:x})",
        uint v => $"index {v} (a slot with base 0)",
    };

    public string? EndStep(HeapVariant variant)
    {
        _space.Garbage = null;
        for (int i = _stepErrors; i < _space.Errors.Count; i++)
            if (!_tolerated.Contains(i)) return $"memcheck: {_space.Errors[i]}";
        if (_space.ErrorCount - _stepErrorCount - (_quietlyTolerated - _stepQuietlyTolerated) > _space.Errors.Count - _stepErrors)
            return $"memcheck: {_space.ErrorCount - _stepErrorCount} errors in this step, beyond the {_space.MaxRecordedReports} the space records";
        if (variant.Oracle == OracleKind.RadixTree && _space.SuppressedReadCount + _space.ArenaIndexReads > 0)
        {
            string what = _space.SuppressedReads.FirstOrDefault() is { } r
                ? $"a suppressed read of 0x{r.Address:x} ({r.State}) at op #{r.OperationIndex}"
                : $"{_space.ArenaIndexReads} arena-index read(s)";
            return $"the radix-tree oracle read pool memory: {what}; it must read none";
        }
        return null;
    }

    public void WriteTag(ulong address, ulong size, int tag)
    {
        var bytes = new byte[size];
        TagPattern.Fill(tag, bytes);
        _space.WriteBytes(address, bytes); // a checked write: memcheck reports one outside the block
    }

    public ImmutableArray<byte> ReadBack(ulong address, ulong length)
    {
        var bytes = new byte[length];
        _space.ReadBytes(address, bytes); // a checked read: undefined or freed bytes are reported
        return [.. bytes];
    }

    public void Dispose() { }
}
