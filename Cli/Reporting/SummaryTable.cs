using PymallocVerify.Cli.Campaign;
using Spectre.Console;

namespace PymallocVerify.Cli.Reporting;

/// <summary>
/// The table <c>check</c> ends with: one row per family × configuration, then notes on skips and gaps. It fits an
/// 80-column terminal (<see cref="Width"/>): no borders, two spaces between columns, counts in compact form; the case
/// indices, the rate and every coverage name are in report.json and the notes below the table.
/// </summary>
public static class SummaryTable
{
    /// <summary>The widest line the table may print, with the longest family and configuration names there are.</summary>
    public const int Width = 80;

    public static void Write(CliOutput output, CampaignReport report)
    {
        var table = new Table().Border(TableBorder.None).ShowHeaders();
        string[] headers = ["family", "configuration", "cases", "checked", "cover", "stopped by", "time"];
        for (int c = 0; c < headers.Length; c++)
        {
            var column = new TableColumn(headers[c]).NoWrap().PadLeft(0).PadRight(c == headers.Length - 1 ? 0 : 2);
            if (c is 2 or 3 or 6) column.RightAligned();
            table.AddColumn(column);
        }

        foreach (FamilyResult r in report.Results)
        {
            bool skipped = r.StoppedBy == StopReason.Skipped;
            string stopped = Markup.Escape(StopText.Of(r.StoppedBy));
            table.AddRow(
                Markup.Escape(r.Family),
                Markup.Escape(r.Configuration.Label),
                skipped ? "-" : RateText.Compact(r.Cases.Count),
                skipped ? "-" : $"{RateText.Compact(r.Operations)} {ShortUnit(r.OperationUnit)}",
                skipped || r.Coverage.Expected == 0 ? "-" : $"{r.Coverage.Reached}/{r.Coverage.Expected}",
                r.Failed ? $"[red]{stopped}[/]" : stopped,
                skipped ? "-" : RateText.Clock(r.Elapsed));
        }
        output.Console.Write(table);

        int starved = report.Results.Count(r => r.StoppedBy == StopReason.Budget && r.Cases.Count == 0);
        if (starved > 0)
            Note(output, $"{RateText.Plural(starved, "stream")} got no time: the budget was spent before {(starved == 1 ? "it" : "them")} (a longer --budget runs them)");
        foreach (FamilyResult r in report.Results)
        {
            if (r.Cases.Count > 0 && r.Cases[^1].Detail is { } detail)
                Note(output, $"{r.Family} {r.Configuration.Label}: {detail}");
            if (r.Configuration.SkipReason is { } why)
                Note(output, $"skipped {r.Family} {r.Configuration.Label}: {why}");
            else if (!r.Failed && r.Cases.Count > 0 && r.Coverage.Missing is { Count: > 0 } missing)
                Note(output, $"{r.Family} {r.Configuration.Label} has not reached {string.Join(", ", missing)} yet " +
                             "(more cases reach them: a longer --budget or a larger --cases)");
        }
    }

    private static void Note(CliOutput output, string text)
    {
        foreach (string line in WordWrap.Lines(text, Width, "  ", "    ")) output.Line(line);
    }

    /// <summary>"iterations" is the one unit too long for the column.</summary>
    private static string ShortUnit(string unit) => unit == "iterations" ? "its" : unit;
}
