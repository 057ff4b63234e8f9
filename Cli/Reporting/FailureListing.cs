using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Reporting;

/// <summary>
/// The verdict lines: "holds", or each failure with its counterexample file and the command that replays it. Prose is
/// wrapped between words to the summary's width; the counterexample path and the reproduce command stay whole on their
/// lines, so they can be copied.
/// </summary>
public static class FailureListing
{
    private static void Prose(CliOutput output, string text, string indent = "", string continuation = "  ")
    {
        foreach (string line in WordWrap.Lines(text, SummaryTable.Width, indent, continuation)) output.Line(line);
    }

    public static void Write(CliOutput output, CampaignReport report)
    {
        var failures = report.Failures.ToList();
        if (failures.Count == 0 && report.Interrupted)
        {
            int cut = report.Results.Count(r => r.StoppedBy == StopReason.Cancelled);
            Prose(output, $"INTERRUPTED: {RateText.Plural(report.CasesRun, "case")} ran and held before the signal; " +
                        $"{RateText.Plural(cut, "stream")} cut short (seed {report.Settings.Seed}, shard {report.Settings.Shard}).");
            Prose(output, "Not a pass: run again without interrupting to check everything requested.", "  ", "  ");
            return;
        }
        if (failures.Count == 0)
        {
            int streams = report.Results.Count(r => r.StoppedBy != StopReason.Skipped);
            int starved = report.Results.Count(r => r.StoppedBy == StopReason.Budget && r.Cases.Count == 0);
            string ran = starved == 0 ? RateText.Plural(streams, "stream") : $"{streams - starved} of {streams} streams ({starved} got no time)";
            Prose(output, $"HOLDS: {ran}, {RateText.Plural(report.CasesRun, "case")}, " +
                        $"{string.Join(", ", report.Results.GroupBy(r => r.OperationUnit).Select(g => $"{RateText.Count(g.Sum(r => r.Operations))} {g.Key}"))} checked, no failure " +
                        $"(seed {report.Settings.Seed}, shard {report.Settings.Shard}).");
            return;
        }
        Prose(output, $"FAILED: {failures.Count} failure{(failures.Count == 1 ? "" : "s")} " +
                    $"(seed {report.Settings.Seed}, shard {report.Settings.Shard}).");
        foreach ((FamilyResult stream, StreamFailure failure) in failures)
        {
            Prose(output, $"{stream.Family} {stream.Configuration.Label} case {failure.CaseIndex} " +
                          $"(seed 0x{failure.Seed:x16}): {failure.Message}", "  ", "    ");
            if (failure.CounterexamplePath is { } path)
            {
                output.Line($"    counterexample: {ReplayCommand.DisplayPath(path)}" +
                            (failure.CounterexampleLength is { } n ? $" ({n} operation{(n == 1 ? "" : "s")})" : ""));
                output.Line($"    reproduce with: {ReplayCommand.For(path, failure.ReplayOptions)}");
            }
        }
        if (report.Interrupted)
            Prose(output, "INTERRUPTED: the run was stopped by a signal after these failures; later cases did not run.");
    }
}
