namespace PymallocVerify.Properties.Backend;

/// <summary>
/// The heap or an oracle touched memory the test does not own. On real memory that could crash the test
/// process, so the recording backend refuses the access and the step fails with this message instead.
/// </summary>
public sealed class WildAccessException(string what, ulong address, ulong length)
    : InvalidOperationException($"{what} of {length} byte(s) at 0x{address:x}, outside every arena and test-owned region")
{
    public ulong Address { get; } = address;
}
