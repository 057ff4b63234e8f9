namespace PymallocVerify.Allocator.Simulated;

/// <summary>Counters of a <see cref="SimulatedAddressSpace"/>, for reports and for checking the storage stays sparse.</summary>
public sealed record SimulatedSpaceStats(
    long Reads,
    long Writes,
    long ArenaIndexReads,
    long Errors,
    long SuppressedReads,
    int LiveArenas,
    int LiveSystemBlocks,
    ulong LiveBytes,
    int MappedPages,
    int StoredPages,
    int PagesWithData);
