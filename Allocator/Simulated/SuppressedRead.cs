namespace PymallocVerify.Allocator.Simulated;

/// <summary>
/// A read that a suppression allowed: the bytes at <see cref="Address"/> were <see cref="State"/> (undefined or
/// unaddressable), the memory held <see cref="StoredValue"/>, and the space returned <see cref="ReturnedValue"/>
/// (from the garbage provider, or the stored bytes when none is set). <see cref="Region"/> is the live
/// allocation holding the first byte, or null when the bytes belong to no live allocation.
/// </summary>
public sealed record SuppressedRead(
    string SuppressionName,
    MemoryAccess Access,
    ulong Address,
    int Size,
    ShadowState State,
    ulong StoredValue,
    ulong ReturnedValue,
    long OperationIndex,
    SimulatedAllocation? Region)
{
    public bool Addressable => State is ShadowState.Defined or ShadowState.Undefined;
    public bool Defined => State == ShadowState.Defined;
}

/// <summary>
/// What a garbage provider is asked: a read at <paramref name="address"/> of <paramref name="size"/> bytes whose
/// worst byte is <paramref name="state"/> and whose memory holds <paramref name="storedValue"/>.
/// </summary>
public readonly record struct GarbageRequest(MemoryAccess Access, ulong Address, int Size, ShadowState State, ulong StoredValue);

/// <summary>
/// Chooses the value an undefined/unaddressable arena-index read returns, so a checker can replay the oracle's
/// decision under every garbage class. Only the low <see cref="GarbageRequest.Size"/> bytes are used.
/// </summary>
public delegate ulong GarbageProvider(in GarbageRequest request);
