using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Backend;

/// <summary>Real memory through the <see cref="MemoryRecorder"/>: no memcheck, garbage written or served to the one read.</summary>
public sealed unsafe class NativeCaseBackend(ulong poolSize, IReadOnlyList<int> arenaHeadOffsets) : ICaseBackend
{
    private readonly MemoryRecorder _recorder = new(poolSize, arenaHeadOffsets);

    public IHeapDriver CreateHeap(HeapVariant variant, Geometry geometry, HeapCheckLevel checks) =>
        variant.Create(geometry, _recorder.Memory, checks);

    public ImmutableArray<SystemEvent> TakeEvents() => _recorder.TakeEvents();

    public ulong ForeignAlloc(ulong size) => _recorder.ForeignAlloc(size);

    public void BeginStep(int step) { }

    /// <summary>
    /// Written into real memory when that word is test-owned and holds nothing live, else served to the one index read
    /// (see <see cref="GarbageDelivery"/>).
    /// </summary>
    public AppliedGarbage ArmGarbage(ulong indexAddress, uint value, GarbageClass actual, ModelState state)
    {
        if (_recorder.IsTestOwned(indexAddress, 4) && state.FirstOverlap(indexAddress, 4) is null)
        {
            _recorder.NoteWrite(indexAddress, 4);
            *(uint*)indexAddress = value;
            return new AppliedGarbage(actual, value, GarbageDelivery.Written);
        }
        _recorder.ArmIndexRead(indexAddress, value);
        return new AppliedGarbage(actual, value, GarbageDelivery.Simulated);
    }

    public AppliedGarbage DisarmGarbage(AppliedGarbage armed)
    {
        _recorder.DisarmIndexRead();
        return armed;
    }

    public void BeforeOwnershipQuestion(ulong address, bool isQuery) { }

    public string? AfterOwnershipQuestion(IHeapDriver heap, ulong address, bool answer, bool isQuery, Ownership spec) => null;

    public string? EndStep(HeapVariant variant)
    {
        _recorder.DisarmIndexRead(); // a step that threw mid-query must not leave the read armed
        return null;
    }

    public void WriteTag(ulong address, ulong size, int tag)
    {
        _recorder.Check("tag write", address, Math.Max(size, 1));
        _recorder.NoteWrite(address, Math.Max(size, 1));
        TagPattern.Fill(tag, new Span<byte>((void*)address, checked((int)size)));
    }

    public ImmutableArray<byte> ReadBack(ulong address, ulong length)
    {
        _recorder.Check("tag read", address, length);
        return [.. new ReadOnlySpan<byte>((void*)address, checked((int)length))];
    }

    public void Dispose() => _recorder.Dispose();
}
