using PymallocVerify.Concurrency.Harness;

namespace PymallocVerify.Concurrency.Campaigns;

public enum ReplayVerdict
{
    /// <summary>The recorded failure came back under the recorded interleaving.</summary>
    Reproduced,
    /// <summary>
    /// It did not: the code or the scenario changed since the trace was recorded. Coyote alone would
    /// report this silently as "0 bugs"; a stale trace is a failed replay.
    /// </summary>
    Stale,
    /// <summary>
    /// Coyote could not follow the recorded trace at all (it refused it, or reported it not reproducible): the file
    /// says nothing about the code as it is now, neither that the failure is fixed nor that it remains.
    /// </summary>
    Unfollowable,
}

/// <summary>What replaying a counterexample showed. <see cref="ExitCode"/> is what a CLI should return.</summary>
public sealed record ConcurrencyReplayReport(ReplayVerdict Verdict, string Message, ConcurrencyCounterexample Counterexample, IterationOutcome? Outcome)
{
    public int ExitCode => Verdict == ReplayVerdict.Reproduced ? 0 : 1;

    /// <remarks>
    /// A failure that came back word for word (same history, same explanation) is not printed a second time: the
    /// reader has the recorded one, and two identical pages hide that nothing differs.
    /// </remarks>
    public string Report() =>
        Verdict == ReplayVerdict.Reproduced && Outcome is not null
            ? Outcome.Report() == Counterexample.RecordedFailure
                ? $"REPRODUCED: {Message}{Environment.NewLine}the same history and explanation as recorded"
                : $"REPRODUCED: {Message}{Environment.NewLine}{Counterexample.Scenario}{Environment.NewLine}{Outcome.Report()}"
            : Verdict == ReplayVerdict.Unfollowable ? $"UNFOLLOWABLE TRACE: {Message}{Environment.NewLine}{Counterexample.Scenario}"
            : $"STALE TRACE: {Message}{Environment.NewLine}{Counterexample.Scenario}";
}
