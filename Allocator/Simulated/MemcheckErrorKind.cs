namespace PymallocVerify.Allocator.Simulated;

/// <summary>The errors memcheck reports, named after its messages.</summary>
public enum MemcheckErrorKind
{
    /// <summary>"Invalid read of size N": a byte read is in a mapped page but not addressable.</summary>
    InvalidRead,

    /// <summary>"Invalid write of size N".</summary>
    InvalidWrite,

    /// <summary>
    /// "Use of uninitialised value": a byte read is addressable but undefined. (Memcheck complains when the
    /// value is used; this space complains at the load, except for <see cref="IMemorySpace.Copy"/>, which
    /// carries definedness along as memcheck does for memcpy.)
    /// </summary>
    UninitialisedValue,

    /// <summary>"Access not within mapped region" on a read: the process would have died of SIGSEGV.</summary>
    UnmappedRead,

    /// <summary>"Access not within mapped region" on a write (the write is dropped).</summary>
    UnmappedWrite,

    /// <summary>"Invalid free() / realloc()": the address is not the start of a live block of that kind.</summary>
    InvalidFree,

    /// <summary>"Mismatched free()": an arena returned through SystemFree, or a system block through FreeArena.</summary>
    MismatchedFree,
}
