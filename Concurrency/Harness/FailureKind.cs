namespace PymallocVerify.Concurrency.Harness;

/// <summary>How an iteration failed.</summary>
public enum FailureKind
{
    /// <summary>No order of the recorded calls is accepted by the sequential specification.</summary>
    NotLinearizable,
    /// <summary>The linearizability search ran out of budget (reported, never passed silently).</summary>
    CheckInconclusive,
    /// <summary>After the threads finished, the heap's own invariant check failed.</summary>
    InvariantBroken,
    /// <summary>A script thread threw (e.g. the heap corrupted itself).</summary>
    WorkerThrew,
    /// <summary>Coyote itself reported a bug (a deadlock, or an assertion outside the checks above).</summary>
    CoyoteReported,
}
