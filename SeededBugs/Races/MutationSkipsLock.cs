using PymallocVerify.Allocator.Concurrent;

namespace PymallocVerify.SeededBugs.Races;

/// <summary><c>Free</c> runs without taking the mutation lock.</summary>
public sealed record MutationSkipsLock() : ConcurrencyBug("mutation-skips-lock",
    "Free skips the mutation lock",
    "racing-mutations", null,
    "heap invariants broken after the threads (free-list length, used-pool list)")
{
    public override bool SkipsLock(Mutation mutation) => mutation == Mutation.Free;
}
