namespace PymallocVerify.Allocator;

/// <summary>Thrown in checked mode when a caller hands the heap a pointer it cannot legally take.</summary>
public sealed class HeapMisuseException(string operation, ulong address, string reason)
    : InvalidOperationException($"{operation}(0x{address:x}): {reason}")
{
    public string Operation { get; } = operation;
    public ulong Address { get; } = address;
    public string Reason { get; } = reason;
}
