using PymallocVerify.Allocator;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// The heap's hook parameter under Coyote: every shared access of the publication protocol is a scheduling
/// point, and the After… hooks hand over to the iteration's seeded race, if any (<see cref="IterationContext.Bug"/>).
/// </summary>
public readonly struct CoyoteHooks(IterationContext context) : IHeapHooks
{
    public void Interleave(SharedAccess access) => context.Access(access);

    public void AfterArenaSlotCleared(ref ArenaObject slot, ulong formerAddress) =>
        context.Bug?.AfterArenaSlotCleared(ref slot, formerAddress);

    public void AfterPoolCarved<TMemory>(ref TMemory memory, ulong pool) where TMemory : struct, IMemorySpace { }

    public void AfterRadixChunkLinked<T>(T[] chunk) => context.Bug?.AfterRadixChunkLinked(chunk, context);

    public void AfterArenaTablePublished(ArenaObject[] previous, ArenaObject[] published) =>
        context.Bug?.AfterArenaTablePublished(previous, published, context);
}
