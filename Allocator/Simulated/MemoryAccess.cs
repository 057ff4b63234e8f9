namespace PymallocVerify.Allocator.Simulated;

/// <summary>The <see cref="IMemorySpace"/> entry point through which an access or a system call was made.</summary>
public enum MemoryAccess
{
    ReadUInt64,
    ReadUInt32,
    /// <summary>The classic oracle's read of the arena index at a pool base: the one suppressible read.</summary>
    ReadArenaIndex,
    WriteUInt64,
    WriteUInt32,
    /// <summary>The source side of <see cref="IMemorySpace.Copy"/>.</summary>
    CopySource,
    /// <summary>The destination side of <see cref="IMemorySpace.Copy"/>.</summary>
    CopyDestination,
    Fill,
    SystemFree,
    SystemRealloc,
    FreeArena,
    /// <summary>A direct read by a checker or test through <see cref="SimulatedAddressSpace.ReadBytes"/>.</summary>
    ReadBytes,
    /// <summary>A direct write by a checker or test through <see cref="SimulatedAddressSpace.WriteBytes"/>.</summary>
    WriteBytes,
}
