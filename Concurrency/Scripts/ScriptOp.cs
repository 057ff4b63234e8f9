namespace PymallocVerify.Concurrency.Scripts;

/// <summary>
/// One step of a thread's script, in the operation language of DESIGN.md. Handles are symbolic: an index
/// into the thread's own live blocks, taken modulo their number (a step with nothing to act on is skipped),
/// so a script is valid under every interleaving.
/// </summary>
public abstract record ScriptOp;

public sealed record MallocOp(ulong Size) : ScriptOp
{
    public override string ToString() => $"Malloc({Size})";
}

public sealed record CallocOp(ulong Count, ulong Size) : ScriptOp
{
    public override string ToString() => $"Calloc({Count},{Size})";
}

/// <summary>Reallocates the thread's own live block number <see cref="Handle"/>.</summary>
public sealed record ReallocOp(int Handle, ulong Size) : ScriptOp
{
    public override string ToString() => $"Realloc({Handle},{Size})";
}

/// <summary>Frees the thread's own live block number <see cref="Handle"/>.</summary>
public sealed record FreeOp(int Handle) : ScriptOp
{
    public override string ToString() => $"Free({Handle})";
}

/// <summary>Frees the k-th block of the iteration (see <see cref="AddressBase.Block"/>) if it is still live — e.g. a setup block.</summary>
public sealed record FreeBlockOp(int Block) : ScriptOp
{
    public override string ToString() => $"FreeBlock({Block})";
}

/// <summary>The lock-free ownership query.</summary>
public sealed record QueryOp(AddressExpr Address) : ScriptOp
{
    public override string ToString() => $"Query({Address})";
}

public sealed record ForeignAllocOp(ulong Size) : ScriptOp
{
    public override string ToString() => $"ForeignAlloc({Size})";
}

public sealed record ForeignFreeOp(int Handle) : ScriptOp
{
    public override string ToString() => $"ForeignFree({Handle})";
}
