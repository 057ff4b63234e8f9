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
}

/// <summary>What replaying a counterexample showed. <see cref="ExitCode"/> is what a CLI should return.</summary>
public sealed record ConcurrencyReplayReport(ReplayVerdict Verdict, string Message, ConcurrencyCounterexample Counterexample, IterationOutcome? Outcome)
{
    public int ExitCode => Verdict == ReplayVerdict.Reproduced ? 0 : 1;

    public string Report() =>
        Verdict == ReplayVerdict.Reproduced && Outcome is not null
            ? $"REPRODUCED: {Message}{Environment.NewLine}{Counterexample.Scenario}{Environment.NewLine}{Outcome.Report()}"
            : $"STALE TRACE: {Message}{Environment.NewLine}{Counterexample.Scenario}";
}
