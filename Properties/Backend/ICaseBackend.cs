using System.Collections.Immutable;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Heaps;

namespace PymallocVerify.Properties.Backend;

/// <summary>
/// The memory one case runs on, as the runner needs it: real memory (<see cref="NativeCaseBackend"/>) or the
/// simulated space with memcheck in the loop (<see cref="SimulatedCaseBackend"/>). One instance per run.
/// </summary>
public interface ICaseBackend : IDisposable
{
    /// <summary>The variant's heap over this backend (its system boundary recorded), checking itself at <paramref name="checks"/>.</summary>
    IHeapDriver CreateHeap(HeapVariant variant, Geometry geometry, HeapCheckLevel checks);

    /// <summary>System-boundary events since the last call.</summary>
    ImmutableArray<SystemEvent> TakeEvents();

    /// <summary>Memory pymalloc never saw (not recorded as an event).</summary>
    ulong ForeignAlloc(ulong size);

    /// <summary>A step (operation index; the operation count for the teardown) begins.</summary>
    void BeginStep(int step);

    /// <summary>
    /// Makes the classic oracle's next read of the index at <paramref name="indexAddress"/> see <paramref name="value"/>
    /// (p's pool header is not one pymalloc initialised). Returns how the value is delivered.
    /// </summary>
    AppliedGarbage ArmGarbage(ulong indexAddress, uint value, GarbageClass actual, ModelState state);

    /// <summary>The query is over: no later read sees the garbage. Returns what was really delivered.</summary>
    AppliedGarbage DisarmGarbage(AppliedGarbage armed);

    /// <summary>Called before every ownership question the runner asks (see <see cref="AfterOwnershipQuestion"/>).</summary>
    void BeforeOwnershipQuestion(ulong address, bool isQuery);

    /// <summary>
    /// Called after it: a failure message when the answer is not the same for every garbage value (checked where the
    /// read saw garbage and the spec fixes the answer, i.e. not <see cref="Ownership.Unspecified"/>), else null.
    /// <paramref name="isQuery"/>: an is_owned step (p may be no pointer at all), as opposed to the check before a free
    /// or realloc of a real pointer.
    /// </summary>
    string? AfterOwnershipQuestion(IHeapDriver heap, ulong address, bool answer, bool isQuery, Ownership spec);

    /// <summary>The step is over: a memcheck failure (address, operation index, code site), or null.</summary>
    string? EndStep(HeapVariant variant);

    /// <summary>Fills <paramref name="size"/> bytes at <paramref name="address"/> with the pattern of <paramref name="tag"/>.</summary>
    void WriteTag(ulong address, ulong size, int tag);

    /// <summary>Reads <paramref name="length"/> bytes back.</summary>
    ImmutableArray<byte> ReadBack(ulong address, ulong length);
}
