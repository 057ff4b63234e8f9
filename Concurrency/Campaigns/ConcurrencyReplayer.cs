using Microsoft.Coyote;
using PymallocVerify.Concurrency.Harness;

namespace PymallocVerify.Concurrency.Campaigns;

/// <summary>
/// Re-runs a saved counterexample under its recorded Coyote trace (one iteration, the same interleaving)
/// and asserts that the recorded failure came back — same kind, same summary. Anything else is a stale trace.
/// </summary>
public static class ConcurrencyReplayer
{
    public static ConcurrencyReplayReport Replay(string path) => Replay(ConcurrencyCounterexample.Load(path));

    public static ConcurrencyReplayReport Replay(ConcurrencyCounterexample counterexample)
    {
        ArgumentNullException.ThrowIfNull(counterexample);
        IterationOutcome? outcome = null;
        var configuration = Configuration.Create()
            .WithTestingIterations(1)
            .WithReproducibleTrace(counterexample.CoyoteTrace);
        int bugs;
        string coyoteReport;
        try
        {
            (bugs, _, coyoteReport) = ConcurrencyCampaign.Execute(configuration,
                () => IterationRunner.RunAsCoyoteTest(counterexample.Scenario, failed => outcome = failed));
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // Coyote refuses a trace whose decisions no longer fit the program (e.g. a thread that no longer exists).
            return new ConcurrencyReplayReport(ReplayVerdict.Unfollowable, $"Coyote could not follow the recorded trace: {FirstLine(e.Message)}", counterexample, null);
        }
        // Coyote reports a trace whose decisions do not fit the program as a bug of its own ("The trace is not
        // reproducible at execution step N"), not as the recorded failure.
        if (outcome is null && coyoteReport.Contains("not reproducible", StringComparison.OrdinalIgnoreCase))
            return new ConcurrencyReplayReport(ReplayVerdict.Unfollowable, $"Coyote could not follow the recorded trace: {FirstLine(coyoteReport)}", counterexample, null);

        if (bugs == 0)
            return new ConcurrencyReplayReport(ReplayVerdict.Stale,
                "the recorded interleaving no longer fails (Coyote found 0 bugs): the code or the scenario changed since it was recorded",
                counterexample, null);
        var kind = outcome?.Failure ?? FailureKind.CoyoteReported;
        string summary = outcome?.Summary ?? coyoteReport;
        if (kind != counterexample.Failure || summary != counterexample.Summary)
            return new ConcurrencyReplayReport(ReplayVerdict.Stale,
                $"a different failure came back: {kind}: {summary} (recorded: {counterexample.Failure}: {counterexample.Summary})",
                counterexample, outcome);
        return new ConcurrencyReplayReport(ReplayVerdict.Reproduced, $"{kind}: {summary}", counterexample, outcome);
    }

    private static string FirstLine(string text)
    {
        string trimmed = text.Trim();
        int end = trimmed.IndexOfAny(['\r', '\n']);
        return end < 0 ? trimmed : trimmed[..end];
    }
}
