using PymallocVerify.Model;

namespace PymallocVerify.Concurrency.Scripts;

/// <summary>
/// The two steps only a concurrent script has. Every other step is the model's own <see cref="Operation"/>
/// (<see cref="MallocOp"/>, <see cref="CallocOp"/>, <see cref="ReallocOp"/>, <see cref="FreeOp"/>,
/// <see cref="ForeignAllocOp"/>, <see cref="ForeignFreeOp"/>) with the model's meaning, applied to the running
/// thread's own lists. Why queries differ from the model's <see cref="QueryOp"/>: docs/concurrency.md,
/// "One operation language".
/// </summary>
public static class ConcurrentSteps
{
    /// <summary>The model operations a script thread runs (on its own live and foreign lists).</summary>
    public static bool IsSupported(Operation op) =>
        op is MallocOp or CallocOp or ReallocOp or FreeOp or ForeignAllocOp or ForeignFreeOp or FreeBlockOp or ConcurrentQueryOp;
}

/// <summary>
/// Frees the k-th block of the iteration (see <see cref="AddressBase.Block"/>) if it is still live — a setup
/// block, or one another thread holds: how an object handed between threads is released by the receiver.
/// </summary>
public sealed record FreeBlockOp(int Block) : Operation
{
    public override void Validate()
    {
        if (Block < 0) throw new ArgumentException($"FreeBlock needs a block number of at least 0; got {Block}");
    }
}

/// <summary>
/// The lock-free ownership query, at an address that means the same under every schedule (an iteration-wide
/// reference such as the k-th block ever handed out, live or freed) and with no garbage written first.
/// </summary>
public sealed record ConcurrentQueryOp(AddressExpr Address) : Operation
{
    public override void Validate()
    {
        if (Address.Index < 0) throw new ArgumentException($"an address expression needs an index of at least 0; got {Address}");
    }
}
