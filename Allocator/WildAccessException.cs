namespace PymallocVerify.Allocator;

/// <summary>
/// The heap or an oracle touched memory that no arena or block of its memory backend covers. On real memory that
/// could corrupt the system allocator or crash the process, so a fenced backend (<see cref="MemoryFence"/>) refuses
/// the access and the test that drove it fails with this message instead.
/// </summary>
public sealed class WildAccessException(string what, ulong address, ulong length, string where)
    : InvalidOperationException($"{what} of {length} byte(s) at 0x{address:x}, outside every arena and test-owned region{where}")
{
    public ulong Address { get; } = address;
}
