using System.Text.Json.Serialization;

namespace PymallocVerify.Model;

/// <summary>Which end of an object an address expression is measured from.</summary>
public enum Edge
{
    Start,
    End,
}

/// <summary>The shape of an address, for coverage counting and printing.</summary>
public enum AddressKind
{
    BlockBase,
    BlockEnd,
    PoolBase,
    PoolEnd,
    ArenaBase,
    ArenaEnd,
    Foreign,
    FreedArena,
    Low,
    NearTop,
}

/// <summary>
/// An address built from objects the model knows, because uniformly random 64-bit addresses never hit a
/// boundary. Resolved against a state by <see cref="AddressResolver"/>; references use symbolic handles
/// (index modulo the list's length), so they stay valid after shrinking. Offsets wrap like C pointer math.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "at")]
[JsonDerivedType(typeof(BlockAddress), "block")]
[JsonDerivedType(typeof(PoolAddress), "pool")]
[JsonDerivedType(typeof(ArenaAddress), "arena")]
[JsonDerivedType(typeof(ForeignAddress), "foreign")]
[JsonDerivedType(typeof(FreedArenaAddress), "freedArena")]
[JsonDerivedType(typeof(LowAddress), "low")]
[JsonDerivedType(typeof(TopAddress), "top")]
public abstract record AddressExpression
{
    [JsonIgnore]
    public abstract AddressKind Kind { get; }

    public virtual void Validate() { }
}

/// <summary>Live block <see cref="Handle"/>'s base (or end = base + requested size) plus <see cref="Offset"/>.</summary>
public sealed record BlockAddress(int Handle, Edge Edge, long Offset) : AddressExpression
{
    [JsonIgnore]
    public override AddressKind Kind => Edge == Edge.Start ? AddressKind.BlockBase : AddressKind.BlockEnd;
}

/// <summary>The pool-aligned region holding live block <see cref="Handle"/>'s base: its start or end, plus <see cref="Offset"/>.</summary>
public sealed record PoolAddress(int Handle, Edge Edge, long Offset) : AddressExpression
{
    [JsonIgnore]
    public override AddressKind Kind => Edge == Edge.Start ? AddressKind.PoolBase : AddressKind.PoolEnd;
}

/// <summary>Live arena <see cref="Arena"/> (in the order arenas were obtained): its base or end, plus <see cref="Offset"/>.</summary>
public sealed record ArenaAddress(int Arena, Edge Edge, long Offset) : AddressExpression
{
    [JsonIgnore]
    public override AddressKind Kind => Edge == Edge.Start ? AddressKind.ArenaBase : AddressKind.ArenaEnd;
}

/// <summary>Foreign block <see cref="Handle"/>'s base plus <see cref="Offset"/>.</summary>
public sealed record ForeignAddress(int Handle, long Offset) : AddressExpression
{
    [JsonIgnore]
    public override AddressKind Kind => AddressKind.Foreign;
}

/// <summary>
/// An address inside an arena that was returned to the system (<see cref="Arena"/> counts back from the most
/// recently returned); <see cref="Offset"/> is taken modulo the arena size.
/// </summary>
public sealed record FreedArenaAddress(int Arena, ulong Offset) : AddressExpression
{
    [JsonIgnore]
    public override AddressKind Kind => AddressKind.FreedArena;
}

/// <summary>A low address: <see cref="Value"/> modulo one arena size (0 included — a null-ish pointer).</summary>
public sealed record LowAddress(ulong Value) : AddressExpression
{
    [JsonIgnore]
    public override AddressKind Kind => AddressKind.Low;
}

/// <summary>An address near 2^64: <c>ulong.MaxValue − Distance</c>, with <see cref="Distance"/> below one arena size.</summary>
public sealed record TopAddress(ulong Distance) : AddressExpression
{
    [JsonIgnore]
    public override AddressKind Kind => AddressKind.NearTop;
}
