using System.Text.Json.Serialization;

namespace PymallocVerify.Model;

/// <summary>
/// The operation language shared by the properties, the explorer, the concurrency tests, the CLI and the
/// counterexample files. Operations are plain data. Handles are symbolic: an index into the current list of
/// live blocks (or foreign blocks), taken modulo its length (negative counts from the end), so any
/// sequence stays meaningful after the shrinker deletes operations. An operation on an empty list is skipped.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "op")]
[JsonDerivedType(typeof(MallocOp), "malloc")]
[JsonDerivedType(typeof(CallocOp), "calloc")]
[JsonDerivedType(typeof(ReallocOp), "realloc")]
[JsonDerivedType(typeof(FreeOp), "free")]
[JsonDerivedType(typeof(ForeignAllocOp), "foreignAlloc")]
[JsonDerivedType(typeof(ForeignFreeOp), "foreignFree")]
[JsonDerivedType(typeof(QueryOp), "query")]
[JsonDerivedType(typeof(WriteTagOp), "writeTag")]
[JsonDerivedType(typeof(CheckTagOp), "checkTag")]
public abstract record Operation
{
    /// <summary>Largest request an operation may carry: keeps replayed files from asking for absurd memory.</summary>
    public const int MaxRequestBytes = 1 << 24;

    /// <summary>Throws <see cref="ArgumentException"/> if an argument is out of range.</summary>
    public virtual void Validate() { }

    private protected static void CheckSize(int bytes, string what)
    {
        if (bytes < 0 || bytes > MaxRequestBytes)
            throw new ArgumentException($"{what} must be in 0..{MaxRequestBytes}; got {bytes}");
    }
}

/// <summary>Allocate <see cref="Size"/> bytes; the new block is appended to the live list.</summary>
public sealed record MallocOp(int Size) : Operation
{
    public override void Validate() => CheckSize(Size, "malloc size");
}

/// <summary>Allocate <see cref="Count"/> × <see cref="Size"/> zeroed bytes; appended to the live list.</summary>
public sealed record CallocOp(int Count, int Size) : Operation
{
    public override void Validate()
    {
        CheckSize(Count, "calloc count");
        CheckSize(Size, "calloc size");
        if ((long)Count * Size > MaxRequestBytes) throw new ArgumentException($"calloc total must be at most {MaxRequestBytes} bytes");
    }
}

/// <summary>Resize live block <see cref="Handle"/>; the result replaces it at the same place in the live list.</summary>
public sealed record ReallocOp(int Handle, int Size) : Operation
{
    public override void Validate() => CheckSize(Size, "realloc size");
}

/// <summary>Free live block <see cref="Handle"/> through the heap (pymalloc or system, as ownership says).</summary>
public sealed record FreeOp(int Handle) : Operation;

/// <summary>Obtain memory pymalloc never saw (a libc-like block from a test-owned region); appended to the foreign list.</summary>
public sealed record ForeignAllocOp(int Size) : Operation
{
    public override void Validate()
    {
        CheckSize(Size, "foreign block size");
        if (Size == 0) throw new ArgumentException("a foreign block needs at least one byte");
    }
}

/// <summary>Pass foreign block <see cref="Handle"/> to the heap's free: it must go to the system allocator.</summary>
public sealed record ForeignFreeOp(int Handle) : Operation;

/// <summary>
/// Ask the heap whether <see cref="Address"/> is its own, after writing <see cref="Garbage"/> where the classic
/// oracle reads the arena index (p's pool base), unless that pool's header is one pymalloc initialised.
/// </summary>
public sealed record QueryOp(AddressExpression Address, Garbage Garbage) : Operation
{
    public override void Validate()
    {
        ArgumentNullException.ThrowIfNull(Address, "query address");
        ArgumentNullException.ThrowIfNull(Garbage, "query garbage");
        // Stryker disable once Statement : no address expression overrides Validate (every field value is valid), so the call does nothing
        Address.Validate();
    }
}

/// <summary>Fill live block <see cref="Handle"/> with a fresh tag pattern (the model picks the tag).</summary>
public sealed record WriteTagOp(int Handle) : Operation;

/// <summary>Read live block <see cref="Handle"/> and compare with what the model says it must hold.</summary>
public sealed record CheckTagOp(int Handle) : Operation;
