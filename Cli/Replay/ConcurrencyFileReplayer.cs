using System.Text.Json;
using PymallocVerify.Cli.Reporting;
using PymallocVerify.Concurrency.Campaigns;

namespace PymallocVerify.Cli.Replay;

/// <summary>
/// Replays a concurrency counterexample (Concurrency/) under its recorded Coyote trace: the same interleaving,
/// one iteration. Exit 1 while the recorded failure (or another one) comes back; 0 once the recorded
/// interleaving runs clean.
/// </summary>
public sealed class ConcurrencyFileReplayer : ICounterexampleReplayer
{
    private const string FormatFamily = "pymalloc-verify/concurrency-counterexample/";

    public string Format => ConcurrencyCounterexample.FormatName;

    public bool Accepts(string format) => format.StartsWith(FormatFamily, StringComparison.Ordinal);

    public int Replay(string path, JsonElement root, CliOutput output, ReplayOptions options)
    {
        if (options.SeededBug is not null)
            throw new UsageException("--seeded-bug does not apply to concurrency files: the bug is part of the recorded scenario");
        ConcurrencyCounterexample counterexample;
        try
        {
            counterexample = ConcurrencyCounterexample.FromJson(root.GetRawText(), path);
        }
        catch (ArgumentException e)
        {
            throw new UsageException(e.Message);
        }
        output.Line(counterexample.Report());
        output.Line();
        ConcurrencyReplayReport report;
        using (new Families.Concurrency.QuietConsole()) report = ConcurrencyReplayer.Replay(counterexample);
        if (report.Verdict == ReplayVerdict.Reproduced)
        {
            output.Line(report.Report());
            output.Line($"STILL FAILS: the recorded interleaving reproduces {counterexample.Failure}.");
            return ExitCodes.Failed;
        }
        if (report.Outcome is { Failed: true })
        {
            output.Line(report.Report());
            output.Line("STILL FAILS, differently: the recorded interleaving now fails another way.");
            return ExitCodes.Failed;
        }
        if (report.Verdict == ReplayVerdict.Unfollowable)
        {
            // Never a HOLDS: a trace Coyote cannot follow says nothing about whether the race is fixed.
            output.Line(report.Report());
            throw new UsageException($"{path}: {report.Message}; the trace is stale or damaged: find the failure again with " +
                                     $"check --family concurrency (see docs/counterexamples.md)");
        }
        output.Line(report.Report());
        output.Line("HOLDS under the recorded interleaving: the trace no longer fails (run check to explore other interleavings).");
        return ExitCodes.Holds;
    }
}
