using Microsoft.Coyote.Runtime;
using PymallocVerify.Allocator.Concurrent;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// A mutation lock Coyote can schedule around: a waiting thread pauses as a controlled operation instead of
/// blocking the OS thread (a real lock held across a scheduling point is reported as a deadlock). Entering
/// is a scheduling point, so contention is explored. Outside an active iteration it is a plain spin-free flag.
/// A seeded bug may skip it (<see cref="SeededBugs.Races.ConcurrencyBug.SkipsLock"/>).
/// </summary>
public struct CoyoteLock(IterationContext context) : IMutationLock
{
    private sealed class LockState { public int Held; }

    private LockState? _state;

    public void Initialize() => _state ??= new LockState();

    private readonly bool Skips(Mutation mutation) => context.Bug?.SkipsLock(mutation) == true;

    public readonly void Enter(Mutation mutation)
    {
        var state = _state!;
        context.Interleave();
        if (Skips(mutation)) return;
        while (Interlocked.CompareExchange(ref state.Held, 1, 0) != 0)
        {
            if (!context.Active) throw new InvalidOperationException("the mutation lock is held outside a controlled iteration");
            Operation.PauseUntil(() => Volatile.Read(ref state.Held) == 0);
        }
    }

    public readonly void Exit(Mutation mutation)
    {
        if (Skips(mutation)) return;
        Volatile.Write(ref _state!.Held, 0);
        if (context.Active) Operation.ScheduleNext();
    }
}
