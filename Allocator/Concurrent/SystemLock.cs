using System.Runtime.CompilerServices;

namespace PymallocVerify.Allocator.Concurrent;

/// <summary>The production mutation lock: a <see cref="Lock"/> (.NET 9+), which orders every write made under it.</summary>
public struct SystemLock : IMutationLock
{
    private Lock? _lock;

    // Stryker disable once Assignment : the front end calls Initialize once, before any Enter, so there is never a lock to keep
    public void Initialize() => _lock ??= new Lock();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Enter(Mutation mutation) => _lock!.Enter();

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Exit(Mutation mutation) => _lock!.Exit();
}
