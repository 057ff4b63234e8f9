using System.Collections.Immutable;

namespace PymallocVerify.Model;

/// <summary>
/// What the runner saw while executing one operation on the real heap. The model validates it; it never
/// predicts addresses.
/// </summary>
public sealed record Observation
{
    public static Observation None { get; } = new();

    /// <summary>The address returned (malloc, calloc, realloc, foreign alloc) or the address acted on (free, query).</summary>
    public ulong Address { get; init; }

    /// <summary>The oracle's answer: the query's result, or the ownership check made before a free or realloc.</summary>
    public bool? OwnedAnswer { get; init; }

    /// <summary>System-boundary events during the operation, in order.</summary>
    public ImmutableArray<SystemEvent> Events { get; init; } = [];

    /// <summary>The bytes read by <see cref="CheckTagOp"/>: the block's first <c>ValidLength</c> bytes.</summary>
    public ImmutableArray<byte> Content { get; init; } = [];

    /// <summary>The garbage the query ran with.</summary>
    public AppliedGarbage? Garbage { get; init; }

    /// <summary>The heap or oracle threw (message); the step fails.</summary>
    public string? Fault { get; init; }

    /// <summary>
    /// A heap or oracle invariant broke (its message); the step fails. With <see cref="Fault"/> set too, the heap
    /// stopped inside the operation at the mutation that broke it.
    /// </summary>
    public string? InvariantViolation { get; init; }
}
