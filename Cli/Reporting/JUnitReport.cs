using System.Globalization;
using System.Xml.Linq;
using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Reporting;

/// <summary>
/// JUnit XML for CI systems: one &lt;testsuite&gt; per family, one &lt;testcase&gt; per configuration; a failure
/// carries the counterexample path and the replay command, a skipped configuration its reason.
/// </summary>
public static class JUnitReport
{
    public static XDocument Build(CampaignReport report)
    {
        var ci = CultureInfo.InvariantCulture;
        string Seconds(TimeSpan t) => t.TotalSeconds.ToString("0.000", ci);
        CampaignSettings s = report.Settings;

        var suites = new XElement("testsuites",
            new XAttribute("name", "pymalloc-verify check"),
            new XAttribute("tests", report.Results.Count),
            new XAttribute("failures", report.Results.Count(r => r.Failed)),
            new XAttribute("errors", 0),
            new XAttribute("skipped", report.Results.Count(IsSkipped)),
            new XAttribute("time", Seconds(report.Elapsed)));

        foreach (IGrouping<string, FamilyResult> family in report.Results.GroupBy(r => r.Family))
        {
            var suite = new XElement("testsuite",
                new XAttribute("name", family.Key),
                new XAttribute("tests", family.Count()),
                new XAttribute("failures", family.Count(r => r.Failed)),
                new XAttribute("errors", 0),
                new XAttribute("skipped", family.Count(IsSkipped)),
                new XAttribute("time", Seconds(family.Aggregate(TimeSpan.Zero, (t, r) => t + r.Elapsed))),
                new XElement("properties",
                    Property("seed", s.Seed.ToString(ci)),
                    Property("shard", s.Shard.ToString()),
                    Property("budget", s.Budget.ToString()),
                    Property("maxCases", s.MaxCases?.ToString(ci) ?? "none")));
            foreach (FamilyResult r in family)
            {
                var testcase = new XElement("testcase",
                    new XAttribute("classname", $"pymalloc-verify.{r.Family}"),
                    new XAttribute("name", r.Configuration.Label),
                    new XAttribute("time", Seconds(r.Elapsed)));
                if (r.Configuration.SkipReason is { } why)
                {
                    testcase.Add(new XElement("skipped", new XAttribute("message", why)));
                }
                else if (IsSkipped(r))
                {
                    // An interrupted stream did not run its share: reporting it as passed would be a false green.
                    testcase.Add(new XElement("skipped", new XAttribute("message",
                        $"interrupted after {RateText.Plural(r.Cases.Count, "case")}: the run was stopped by a signal")));
                }
                else
                {
                    foreach (StreamFailure f in r.Failures)
                    {
                        string detail = $"case {f.CaseIndex} (seed 0x{f.Seed:x16}): {f.Message}";
                        if (f.CounterexamplePath is { } path)
                            detail += $"\ncounterexample: {ReplayCommand.DisplayPath(path)}\nreproduce with: {ReplayCommand.For(path, f.ReplayOptions)}";
                        testcase.Add(new XElement("failure", new XAttribute("message", f.Message),
                            new XAttribute("type", "CounterexampleFound"), detail));
                    }
                    testcase.Add(new XElement("system-out",
                        $"{RateText.Plural(r.Cases.Count, "case")} ({CaseRange.Format(r.Cases)}), {r.Operations} {r.OperationUnit}, " +
                        $"garbage classes {Coverage.Fraction(r.Coverage.ExpectedGarbageClasses, r.Coverage.GarbageClasses)}, " +
                        $"address kinds {Coverage.Fraction(r.Coverage.ExpectedAddressKinds, r.Coverage.AddressKinds)}, " +
                        $"concurrency cells {Coverage.Fraction(r.Coverage.ExpectedConcurrencyCells, r.Coverage.ConcurrencyCells)}, " +
                        $"stopped by {StopText.Of(r.StoppedBy)}"));
                }
                suite.Add(testcase);
            }
            suites.Add(suite);
        }
        return new XDocument(new XDeclaration("1.0", "utf-8", null), suites);
    }

    public static void Write(string path, CampaignReport report)
    {
        XDocument document = Build(report);
        AtomicFile.Write(path, stream => document.Save(stream));
    }

    /// <summary>Skipped: a configuration that cannot run, or a stream the interruption cut short without a failure.</summary>
    private static bool IsSkipped(FamilyResult r) =>
        r.StoppedBy == StopReason.Skipped || (r.StoppedBy == StopReason.Cancelled && !r.Failed);

    private static XElement Property(string name, string value) =>
        new("property", new XAttribute("name", name), new XAttribute("value", value));
}
