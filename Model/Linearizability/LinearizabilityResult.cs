using System.Text;

namespace PymallocVerify.Model.Linearizability;

/// <summary>
/// The checker's answer. For a linearizable history, <see cref="Witness"/> is one accepted order.
/// Otherwise <see cref="LongestPrefix"/> is the deepest order the search could build and
/// <see cref="Blocked"/> says, for each call that could have come next there, why the specification
/// refused it — the readable core of a counterexample.
/// </summary>
public sealed record LinearizabilityResult<TCall>(
    LinearizabilityVerdict Verdict,
    IReadOnlyList<TimedCall<TCall>> History,
    IReadOnlyList<TimedCall<TCall>> Witness,
    IReadOnlyList<TimedCall<TCall>> LongestPrefix,
    IReadOnlyList<(TimedCall<TCall> Call, string Reason)> Blocked,
    long StatesExplored)
{
    public bool IsLinearizable => Verdict == LinearizabilityVerdict.Linearizable;

    /// <summary>A multi-line explanation: the verdict, the deepest order reached and why nothing fit after it.</summary>
    public string Explain()
    {
        var text = new StringBuilder();
        text.AppendLine($"{Verdict} ({History.Count} calls, {StatesExplored} search states)");
        if (Verdict == LinearizabilityVerdict.Linearizable)
        {
            text.AppendLine("one linearization:");
            foreach (var call in Witness) text.AppendLine($"  {call}");
            return text.ToString();
        }
        text.AppendLine($"deepest linearizable prefix ({LongestPrefix.Count} of {History.Count} calls):");
        foreach (var call in LongestPrefix) text.AppendLine($"  {call}");
        text.AppendLine("no call can come next:");
        foreach (var (call, reason) in Blocked) text.AppendLine($"  {call}: {reason}");
        return text.ToString();
    }
}
