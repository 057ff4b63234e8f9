namespace PymallocVerify.Allocator.Concurrent;

/// <summary>
/// The lock that serializes mutations, the way the GIL serializes pymalloc. A generic struct parameter of
/// <see cref="ConcurrentHeap{TMemory, TOracle, THooks, TLock}"/>: production uses <see cref="SystemLock"/>;
/// Coyote tests use a scheduler-aware lock, because a real lock held across a scheduling point is reported
/// as a deadlock. The mutation is passed so a test lock can seed "this path forgot the lock"; production
/// ignores it.
/// </summary>
public interface IMutationLock
{
    /// <summary>Called once by the front end's constructor (e.g. to create the lock object).</summary>
    void Initialize();

    void Enter(Mutation mutation);

    void Exit(Mutation mutation);
}
