using PymallocVerify.Allocator;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// The shared-access points of the lock-free ownership test and the mutations that change what each reads: the cells
/// a concurrency run must meet for its verdict to cover the publication protocol. A cell is a read (the arena-table
/// reference, a slot's base, the arena index at a pool base, a radix node) running inside another thread's mutation,
/// before or after the write that changes it — e.g. "slot-read before table-publish" is a reader querying a slot of
/// the table a growing heap is about to replace, "slot-read after slot-clear" a reader that sees an arena already
/// unpublished.
/// </summary>
public static class AccessInterleavingCells
{
    /// <summary>Whether <paramref name="write"/> changes what <paramref name="read"/> loads.</summary>
    public static bool Changes(SharedAccess write, SharedAccess read) => (read, write) switch
    {
        (SharedAccess.ArenaTableRead, SharedAccess.ArenaTablePublish) => true,
        (SharedAccess.ArenaSlotRead, SharedAccess.ArenaTablePublish or SharedAccess.ArenaSlotPublish or SharedAccess.ArenaSlotClear) => true,
        (SharedAccess.ArenaIndexRead, SharedAccess.ArenaMemoryRelease) => true,
        (SharedAccess.RadixNodeRead, SharedAccess.RadixNodeWrite) => true,
        _ => false,
    };

    public static string Name(SharedAccess read, bool beforeWrite, SharedAccess write) =>
        $"{Short(read)} {(beforeWrite ? "before" : "after")} {Short(write)}";

    /// <summary>The cells each oracle's ownership test must meet: the points its query reads, against every mutation
    /// that changes them, on both sides of the write.</summary>
    public static IReadOnlyList<string> Required(OracleKind oracle)
    {
        (SharedAccess Read, SharedAccess Write)[] pairs = oracle == OracleKind.PoolIndex
            ? [(SharedAccess.ArenaTableRead, SharedAccess.ArenaTablePublish), (SharedAccess.ArenaSlotRead, SharedAccess.ArenaTablePublish),
               (SharedAccess.ArenaSlotRead, SharedAccess.ArenaSlotPublish), (SharedAccess.ArenaSlotRead, SharedAccess.ArenaSlotClear),
               (SharedAccess.ArenaIndexRead, SharedAccess.ArenaMemoryRelease)]
            : [(SharedAccess.ArenaTableRead, SharedAccess.ArenaTablePublish), (SharedAccess.RadixNodeRead, SharedAccess.RadixNodeWrite)];
        return [.. pairs.SelectMany(p => new[] { Name(p.Read, true, p.Write), Name(p.Read, false, p.Write) })];
    }

    private static string Short(SharedAccess access) => access switch
    {
        SharedAccess.ArenaTableRead => "table-read",
        SharedAccess.ArenaTablePublish => "table-publish",
        SharedAccess.ArenaSlotRead => "slot-read",
        SharedAccess.ArenaSlotPublish => "slot-publish",
        SharedAccess.ArenaSlotClear => "slot-clear",
        SharedAccess.ArenaIndexRead => "index-read",
        SharedAccess.ArenaMemoryRelease => "memory-release",
        SharedAccess.RadixNodeRead => "radix-read",
        SharedAccess.RadixNodeWrite => "radix-link",
        _ => access.ToString(),
    };
}
