namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// One stream (a family under one configuration) being run a case at a time, so the campaign can interleave streams:
/// the scheduler asks for one case, then turns to another stream. A stream is only ever driven by one thread at a time.
/// </summary>
public interface IStreamRun
{
    IVerificationFamily Family { get; }
    FamilyConfiguration Configuration { get; }

    /// <summary>No further case will run: its list is exhausted, a case failed, the case limit or the clock stopped it.</summary>
    bool Finished { get; }

    /// <summary>How many cases have run.</summary>
    int CasesRun { get; }

    /// <summary>The wall time spent inside this stream's cases (what the scheduler balances between streams).</summary>
    TimeSpan Busy { get; }

    /// <summary>Runs the next case, or finds there is none to run (and becomes <see cref="Finished"/>).</summary>
    void RunNextCase();

    /// <summary>
    /// What the stream did. A stream that never finished on its own ends as <paramref name="unfinished"/>: the budget
    /// was spent or the user interrupted before its turn came again.
    /// </summary>
    FamilyResult Result(StopReason unfinished);
}
