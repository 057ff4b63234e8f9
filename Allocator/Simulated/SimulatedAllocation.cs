namespace PymallocVerify.Allocator.Simulated;

/// <summary>What the simulated system allocator handed out.</summary>
public enum AllocationKind
{
    /// <summary>An arena from <see cref="IMemorySpace.AllocateArena"/>.</summary>
    Arena,

    /// <summary>A block from SystemMalloc/SystemCalloc/SystemRealloc: "foreign" memory from pymalloc's point of view.</summary>
    SystemBlock,
}

/// <summary>
/// One block the simulated system handed out: <c>[Base, Base + Size)</c>. <see cref="Placement"/> names the
/// strategy that chose the address, so a failing test can say how an adversarial layout came about.
/// </summary>
public sealed record SimulatedAllocation(
    long Id,
    AllocationKind Kind,
    ulong Base,
    ulong Size,
    string Placement,
    long AllocatedAtOperation)
{
    /// <summary>The operation index at which the block went back to the system; null while live.</summary>
    public long? FreedAtOperation { get; internal set; }

    /// <summary>The last byte (inclusive), so a block ending exactly at 2^64 needs no wrap-around.</summary>
    public ulong Last => Base + (Size - 1);

    public bool Contains(ulong address) => address >= Base && address <= Last;

    public override string ToString() =>
        $"{(Kind == AllocationKind.Arena ? "arena" : "system block")} #{Id} [0x{Base:x}, +{Size}) placed {Placement} at op #{AllocatedAtOperation}" +
        (FreedAtOperation is { } f ? $", freed at op #{f}" : "");
}
