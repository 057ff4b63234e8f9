namespace PymallocVerify.Allocator;

/// <summary>
/// Where the heap's memory lives: the system allocator below pymalloc (arenas and large blocks)
/// and every read or write of pool memory. Implemented by structs and passed as a generic
/// parameter, so the JIT specialises the heap per backend and the calls inline.
/// Addresses are 64-bit integers; 0 means "none" / allocation failure.
/// </summary>
public interface IMemorySpace
{
    /// <summary>Obtains an arena of <paramref name="size"/> bytes (mmap/malloc); 0 on failure. Not necessarily aligned.</summary>
    ulong AllocateArena(ulong size);

    /// <summary>Returns an arena obtained by <see cref="AllocateArena"/>.</summary>
    void FreeArena(ulong address, ulong size);

    /// <summary>The system malloc used for requests pymalloc does not serve; 0 on failure. A 0-byte request is served as 1 byte.</summary>
    ulong SystemMalloc(ulong size);

    /// <summary>The system calloc; 0 on failure or overflow.</summary>
    ulong SystemCalloc(ulong count, ulong size);

    /// <summary>The system realloc of a block the system allocator owns; 0 on failure (the old block stays valid).</summary>
    ulong SystemRealloc(ulong address, ulong size);

    /// <summary>The system free of a block the system allocator owns.</summary>
    void SystemFree(ulong address);

    ulong ReadUInt64(ulong address);
    void WriteUInt64(ulong address, ulong value);
    uint ReadUInt32(ulong address);
    void WriteUInt32(ulong address, uint value);

    /// <summary>
    /// The classic oracle's read of the arena index at a pool base: the one read in pymalloc that may see
    /// uninitialised or foreign memory on purpose (Misc/valgrind-python.supp's <c>ADDRESS_IN_RANGE</c>).
    /// One volatile read: another thread may be writing that foreign memory.
    /// </summary>
    uint ReadArenaIndex(ulong address);

    /// <summary>Copies bytes (definedness travels with them, as in memcheck); ranges do not overlap.</summary>
    void Copy(ulong destination, ulong source, ulong count);

    /// <summary>Sets <paramref name="count"/> bytes to <paramref name="value"/>.</summary>
    void Fill(ulong destination, byte value, ulong count);

    /// <summary>
    /// The backend's log of changed pools, if it keeps one (test backends): a <see cref="HeapCheckLevel.Full"/> heap
    /// then re-walks only the pools that changed. Read once per audit, never on a production path.
    /// </summary>
    IPoolWriteLog? PoolWriteLog => null;
}
