using System.Diagnostics;

namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// Runs every family under every configuration (a "stream"), one stream after another. Each runnable stream
/// gets an equal share of what is left of the budget, so time a stream leaves unused (a finite case list, an
/// early failure) flows to the streams after it.
/// </summary>
public static class CampaignRunner
{
    public static CampaignReport Run(CampaignSettings settings, IReadOnlyList<IVerificationFamily> families,
                                     ICampaignProgress progress, CancellationToken cancellation = default)
    {
        var clock = Stopwatch.StartNew();
        var streams = new List<(IVerificationFamily Family, FamilyConfiguration Configuration)>();
        foreach (IVerificationFamily family in families)
        {
            foreach (FamilyConfiguration configuration in family.Configurations(settings.Selection))
            {
                FamilyConfiguration c = configuration;
                if (c.Runnable && settings.SeededBug is { } bug && !family.Runs(bug))
                    c = c with { SkipReason = $"{family.Name} does not run seeded bug {bug.Name}" };
                streams.Add((family, c));
            }
        }

        int runnableLeft = streams.Count(s => s.Configuration.Runnable);
        var results = new List<FamilyResult>();
        foreach ((IVerificationFamily family, FamilyConfiguration configuration) in streams)
        {
            if (!configuration.Runnable)
            {
                results.Add(FamilyResult.Skipped(family, configuration));
                continue;
            }
            TimeSpan remaining = settings.Budget.Duration - clock.Elapsed;
            // The first stream always gets some time, so a run never checks nothing; a later stream reached after the
            // budget is spent gets none and starts no case (CaseListFamily), which keeps the run within its budget.
            bool first = results.All(r => r.StoppedBy == StopReason.Skipped);
            TimeSpan slice = remaining <= TimeSpan.Zero ? (first ? TimeSpan.FromTicks(1) : TimeSpan.Zero) : remaining / runnableLeft;
            runnableLeft--;
            var context = new FamilyContext
            {
                CampaignSeed = settings.Seed,
                Shard = settings.Shard,
                Configuration = configuration,
                TimeSlice = slice,
                MaxCases = settings.MaxCases,
                CounterexampleDirectory = settings.CounterexampleDirectory,
                SeededBug = settings.SeededBug,
                Cancellation = cancellation,
            };
            IProgressReporter reporter = progress.BeginStream(family, configuration, slice);
            FamilyResult result = family.Run(context, reporter);
            progress.EndStream(result);
            results.Add(result);
        }
        return new CampaignReport(settings, results, clock.Elapsed);
    }
}
