using PymallocVerify.Allocator;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Specs;

/// <summary>
/// What a property runs on: an allocator variant on a geometry, over real memory or (with <see cref="Simulated"/>)
/// the simulated space with memcheck in the loop, and how often a generated program opens with arena churn.
/// </summary>
public sealed record PropertySubject(string Name, Geometry Geometry, HeapVariant Variant, int ChurnPercent = 10,
    SimulatedLayout? Simulated = null)
{
    private CaseRunner? _runner;

    /// <summary>Heaps at <see cref="HeapCheckLevel.Full"/> (the default), or unchecked, to time the rest of the checks.</summary>
    public bool CheckInvariantsEveryStep { get; init; } = true;

    /// <summary>The runner for this subject.</summary>
    public CaseRunner Runner => _runner ??= new CaseRunner(Geometry, Variant, CheckInvariantsEveryStep);

    public override string ToString() => Name;
}

/// <summary>
/// A subject as a type, so that an FsCheck <c>[Property]</c> names what it runs on by its parameter's type
/// (<see cref="AllocatorProgram{TSubject}"/>) and one <see cref="AllocatorPrograms"/> class serves every subject.
/// </summary>
public interface IPropertySubject
{
    static abstract PropertySubject Subject { get; }
}
