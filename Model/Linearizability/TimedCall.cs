namespace PymallocVerify.Model.Linearizability;

/// <summary>
/// One completed call in a concurrent history: which thread made it, when it was invoked and when it
/// returned (stamps from one shared counter, so they order events across threads), and what it was,
/// including its observed result. An instantaneous event (e.g. an arena mapped by the system) has
/// <see cref="Invoked"/> == <see cref="Returned"/>.
/// </summary>
public sealed record TimedCall<TCall>(int Thread, long Invoked, long Returned, TCall Call)
{
    public override string ToString() => $"T{Thread} [{Invoked}..{Returned}] {Call}";
}
