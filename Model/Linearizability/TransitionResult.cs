namespace PymallocVerify.Model.Linearizability;

/// <summary>
/// What a sequential specification says about one call applied to a state: the next state, or why the
/// call's observed result is impossible there. The reason is what a failing history prints.
/// </summary>
public readonly record struct TransitionResult<TState>(TState? Next, string? Rejection) where TState : class
{
    public bool Accepted => Next is not null;

    public static TransitionResult<TState> Accept(TState next) => new(next, null);

    public static TransitionResult<TState> Reject(string why) => new(null, why);
}
