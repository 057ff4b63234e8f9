using System.Collections.Immutable;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Running;

/// <summary>One executed step: the operation, what the model expected and what was observed.</summary>
public sealed record StepTrace(int Step, Operation Operation, StepVerdict Verdict, bool Teardown = false);

/// <summary>
/// The result of running one case. <see cref="Failure"/> is the first divergence (the run stops there); its step
/// index equals the operation count when the failure came from the implicit teardown (free everything, dispose).
/// </summary>
public sealed record RunOutcome(
    FailureRecord? Failure,
    int OperationsExecuted,
    ImmutableArray<StepTrace> Trace,
    ImmutableArray<GarbageRecord> Garbage,
    CoverageTable Coverage)
{
    public bool Failed => Failure is not null;

    /// <summary>The run's stop token fired, or its snapshot ended it, before it finished: the steps before it were checked,
    /// the rest (and the teardown) never ran.</summary>
    public bool Stopped { get; init; }
}
