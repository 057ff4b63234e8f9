using System.Text.Json.Serialization;

namespace PymallocVerify.Model;

/// <summary>
/// What happened at the system-allocator boundary during one operation, as a recording backend saw it.
/// This is how the model learns which arenas are live — it never reads the allocator's own tables.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "event")]
[JsonDerivedType(typeof(ArenaObtained), "arenaObtained")]
[JsonDerivedType(typeof(ArenaReturned), "arenaReturned")]
[JsonDerivedType(typeof(SystemMallocCalled), "systemMalloc")]
[JsonDerivedType(typeof(SystemCallocCalled), "systemCalloc")]
[JsonDerivedType(typeof(SystemReallocCalled), "systemRealloc")]
[JsonDerivedType(typeof(SystemFreeCalled), "systemFree")]
public abstract record SystemEvent;

public sealed record ArenaObtained(ulong Base, ulong Size) : SystemEvent;

public sealed record ArenaReturned(ulong Base) : SystemEvent;

public sealed record SystemMallocCalled(ulong Address, ulong Size) : SystemEvent;

public sealed record SystemCallocCalled(ulong Address, ulong Count, ulong Size) : SystemEvent;

public sealed record SystemReallocCalled(ulong OldAddress, ulong NewAddress, ulong Size) : SystemEvent;

/// <summary>A system free; <see cref="Known"/> is false when the backend never handed that address out (a misrouted pointer).</summary>
public sealed record SystemFreeCalled(ulong Address, bool Known = true) : SystemEvent;
