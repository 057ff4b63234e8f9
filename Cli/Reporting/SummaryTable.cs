using PymallocVerify.Cli.Campaign;
using Spectre.Console;

namespace PymallocVerify.Cli.Reporting;

/// <summary>The table <c>check</c> ends with: one row per family × configuration, then notes on skips and gaps.</summary>
public static class SummaryTable
{
    public static void Write(CliOutput output, CampaignReport report)
    {
        var table = new Table().Border(output.Interactive ? TableBorder.Rounded : TableBorder.Ascii);
        table.AddColumn("Family");
        table.AddColumn("Geometry/oracle");
        table.AddColumn(new TableColumn("Cases").RightAligned());
        table.AddColumn("Case indices");
        table.AddColumn(new TableColumn("Checked").RightAligned());
        table.AddColumn(new TableColumn("Rate").RightAligned());
        table.AddColumn(new TableColumn("Garbage classes").Centered());
        table.AddColumn(new TableColumn("Address kinds").Centered());
        table.AddColumn(new TableColumn("Failures").RightAligned());
        table.AddColumn("Stopped by");
        table.AddColumn(new TableColumn("Time").RightAligned());

        foreach (FamilyResult r in report.Results)
        {
            bool skipped = r.StoppedBy == StopReason.Skipped;
            string failures = r.Failures.Count == 0 ? "0" : $"[red]{r.Failures.Count}[/]";
            table.AddRow(
                Markup.Escape(r.Family),
                Markup.Escape(r.Configuration.Label),
                skipped ? "-" : RateText.Count(r.Cases.Count),
                skipped ? "-" : Markup.Escape(CaseRange.Format(r.Cases)),
                skipped ? "-" : $"{RateText.Count(r.Operations)} {r.OperationUnit}",
                skipped ? "-" : RateText.PerSecond(r.Operations, r.Elapsed),
                skipped ? "-" : Coverage.Fraction(r.Coverage.ExpectedGarbageClasses, r.Coverage.GarbageClasses),
                skipped ? "-" : Coverage.Fraction(r.Coverage.ExpectedAddressKinds, r.Coverage.AddressKinds),
                skipped ? "-" : failures,
                StopText.Of(r.StoppedBy),
                skipped ? "-" : RateText.Seconds(r.Elapsed));
        }
        output.Console.Write(table);

        int starved = report.Results.Count(r => r.StoppedBy == StopReason.Budget && r.Cases.Count == 0);
        if (starved > 0)
            output.Line($"  {RateText.Plural(starved, "stream")} got no time: the budget was spent before {(starved == 1 ? "it" : "them")} (a longer --budget runs them)");
        foreach (FamilyResult r in report.Results)
        {
            if (r.Configuration.SkipReason is { } why)
                output.Line($"  skipped {r.Family} {r.Configuration.Label}: {why}");
            else if (!r.Failed && r.Cases.Count > 0)
            {
                var missing = r.Coverage.MissingGarbageClasses.Concat(r.Coverage.MissingAddressKinds).ToList();
                if (missing.Count > 0)
                    output.Line($"  {r.Family} {r.Configuration.Label} has not reached {string.Join(", ", missing)} yet " +
                                "(more cases reach them: a longer --budget or a larger --cases)");
            }
        }
    }
}
