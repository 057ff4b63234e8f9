namespace PymallocVerify.Model;

/// <summary>
/// The bytes <see cref="WriteTagOp"/> writes: position-dependent so a shifted, truncated or foreign copy
/// is caught, and never all zero so it differs from calloc memory.
/// </summary>
public static class TagPattern
{
    public static byte ByteAt(int tag, ulong index)
    {
        // Stryker disable once Bitwise : on an unsigned operand >> and >>> are the same shift
        ulong mixed = (ulong)(uint)tag * 0x9E3779B1UL >> 8;
        return (byte)(mixed + index * 37 + 0x5A | 1);
    }

    public static void Fill(int tag, Span<byte> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = ByteAt(tag, (ulong)i);
    }
}
