namespace PymallocVerify.Allocator.Simulated;

/// <summary>
/// One memcheck report: what went wrong (<see cref="Kind"/>), through which entry point (<see cref="Access"/>),
/// where (<see cref="Address"/>, <see cref="Size"/>; <see cref="BadAddress"/> is the first offending byte),
/// when (<see cref="OperationIndex"/>, set by the harness) and from which code (<see cref="Site"/>, e.g.
/// "PymallocHeap.Free"). <see cref="Description"/> says what lies at the bad address, as memcheck's
/// "Address 0x… is 8 bytes after a block of size 16 alloc'd" does.
/// </summary>
public sealed record MemcheckError(
    MemcheckErrorKind Kind,
    MemoryAccess Access,
    ulong Address,
    ulong Size,
    ulong BadAddress,
    long OperationIndex,
    string Site,
    string Description)
{
    public override string ToString()
    {
        string what = Kind switch
        {
            MemcheckErrorKind.InvalidRead => $"Invalid read of size {Size}",
            MemcheckErrorKind.InvalidWrite => $"Invalid write of size {Size}",
            MemcheckErrorKind.UninitialisedValue => $"Use of uninitialised value of size {Size}",
            MemcheckErrorKind.UnmappedRead => $"Access not within mapped region (read of size {Size})",
            MemcheckErrorKind.UnmappedWrite => $"Access not within mapped region (write of size {Size})",
            MemcheckErrorKind.InvalidFree => "Invalid free() / realloc()",
            MemcheckErrorKind.MismatchedFree => "Mismatched free()",
            _ => Kind.ToString(),
        };
        return $"{what} at 0x{Address:x} ({Access}) in {Site}, op #{OperationIndex}: address 0x{BadAddress:x} {Description}";
    }
}
