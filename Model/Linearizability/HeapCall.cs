namespace PymallocVerify.Model.Linearizability;

/// <summary>
/// A call on the concurrent heap as a history records it: arguments and the observed result, with concrete
/// addresses (a history is what happened, not a script). Arena events are recorded at the memory-space
/// boundary, so the specification learns which arenas are live without trusting the allocator's tables.
/// </summary>
public abstract record HeapCall
{
    internal static string Hex(ulong address) => address == 0 ? "0" : $"0x{address:x}";
}

public sealed record MallocCall(ulong Size, ulong Result) : HeapCall
{
    public override string ToString() => $"Malloc({Size}) = {Hex(Result)}";
}

public sealed record CallocCall(ulong Count, ulong Size, ulong Result) : HeapCall
{
    public override string ToString() => $"Calloc({Count}, {Size}) = {Hex(Result)}";
}

public sealed record ReallocCall(ulong Address, ulong Size, ulong Result) : HeapCall
{
    public override string ToString() => $"Realloc({Hex(Address)}, {Size}) = {Hex(Result)}";
}

public sealed record FreeCall(ulong Address) : HeapCall
{
    public override string ToString() => $"Free({Hex(Address)})";
}

/// <summary>The lock-free ownership query.</summary>
public sealed record IsOwnedCall(ulong Address, bool Result) : HeapCall
{
    public override string ToString() => $"IsOwned({Hex(Address)}) = {(Result ? "true" : "false")}";
}

/// <summary>A block the test obtained from the system allocator behind pymalloc's back.</summary>
public sealed record ForeignAllocCall(ulong Size, ulong Result) : HeapCall
{
    public override string ToString() => $"ForeignAlloc({Size}) = {Hex(Result)}";
}

public sealed record ForeignFreeCall(ulong Address) : HeapCall
{
    public override string ToString() => $"ForeignFree({Hex(Address)})";
}

/// <summary>The memory space handed out an arena (recorded when the system call returns).</summary>
public sealed record ArenaMappedEvent(ulong Base) : HeapCall
{
    public override string ToString() => $"<arena {Hex(Base)} mapped>";
}

/// <summary>The memory space took an arena back (recorded when the system call is made).</summary>
public sealed record ArenaUnmappedEvent(ulong Base) : HeapCall
{
    public override string ToString() => $"<arena {Hex(Base)} unmapped>";
}
