using System.Diagnostics;
using System.Runtime.ExceptionServices;

namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// Runs every family under every configuration (a "stream"), interleaved: each of <see cref="CampaignSettings.Jobs"/>
/// workers repeatedly takes the stream that has had the least time so far (weighted by
/// <see cref="IVerificationFamily.TimeShare"/>) and runs one case of it. Every stream
/// therefore starts in the first round, and time is shared evenly whatever the machine's speed — a short budget
/// reaches every family, geometry, oracle and (through the concurrency family's case order) every catalogued
/// scenario under every strategy, instead of spending itself on the first streams.
/// </summary>
public static class CampaignRunner
{
    /// <param name="stopAtFirstFailure">End the run when any case fails (<c>mutants</c>: one kill is enough).</param>
    public static CampaignReport Run(CampaignSettings settings, IReadOnlyList<IVerificationFamily> families,
                                     ICampaignProgress progress, CancellationToken cancellation = default,
                                     bool stopAtFirstFailure = false)
    {
        var wall = Stopwatch.StartNew();
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

        using var clock = new CampaignClock(settings.Budget.Duration, cancellation, casesRunWhole: settings.MaxCases is not null);
        int runnable = streams.Count(s => s.Configuration.Runnable);
        int jobs = Math.Max(1, Math.Min(settings.Jobs, runnable));
        double weights = streams.Where(s => s.Configuration.Runnable).Sum(s => s.Family.TimeShare);
        var runs = new IStreamRun?[streams.Count];
        for (int i = 0; i < streams.Count; i++)
        {
            (IVerificationFamily family, FamilyConfiguration configuration) = streams[i];
            if (!configuration.Runnable) continue;
            var context = new FamilyContext
            {
                CampaignSeed = settings.Seed,
                Shard = settings.Shard,
                Configuration = configuration,
                Clock = clock,
                FairShare = settings.Budget.Duration * (jobs * family.TimeShare / weights),
                MaxCases = settings.MaxCases,
                CounterexampleDirectory = settings.CounterexampleDirectory,
                SeededBug = settings.SeededBug,
            };
            runs[i] = family.Start(context, progress.BeginStream(family, configuration, context.FairShare));
        }

        new Scheduler(runs, progress, stopAtFirstFailure).Run(jobs);

        var results = new List<FamilyResult>(streams.Count);
        for (int i = 0; i < streams.Count; i++)
        {
            if (runs[i] is not { } run) { results.Add(FamilyResult.Skipped(streams[i].Family, streams[i].Configuration)); continue; }
            // A stream still open here was passed over: a case elsewhere failed first (stopAtFirstFailure), or it was
            // never reached before the clock stopped.
            results.Add(run.Result(cancellation.IsCancellationRequested ? StopReason.Cancelled : StopReason.Budget));
        }
        return new CampaignReport(settings, results, wall.Elapsed);
    }

    /// <summary>Hands streams to workers: least time first, one case per turn.</summary>
    private sealed class Scheduler(IStreamRun?[] runs, ICampaignProgress progress, bool stopAtFirstFailure)
    {
        // Workers run on threads of their own; FsCheck's shrinker and the model recurse, so give them the main
        // thread's room rather than a pool thread's.
        private const int WorkerStackBytes = 16 * 1024 * 1024;

        private readonly object _gate = new();
        private readonly bool[] _taken = new bool[runs.Length];
        private readonly bool[] _reported = new bool[runs.Length];
        private bool _failed;
        private ExceptionDispatchInfo? _toolBug;

        public void Run(int jobs)
        {
            var threads = new List<Thread>();
            for (int w = 1; w < jobs; w++)
            {
                var thread = new Thread(Work, WorkerStackBytes) { IsBackground = true, Name = $"check worker {w}" };
                threads.Add(thread);
                thread.Start();
            }
            Work();
            foreach (Thread thread in threads) thread.Join();
            _toolBug?.Throw();
        }

        private void Work()
        {
            while (Take() is { } i)
            {
                IStreamRun run = runs[i]!;
                try
                {
                    run.RunNextCase();
                }
                catch (Exception e)
                {
                    lock (_gate) _toolBug ??= ExceptionDispatchInfo.Capture(e);
                }
                Give(i, run);
            }
        }

        private int? Take()
        {
            lock (_gate)
            {
                while (true)
                {
                    if (_toolBug is not null || (stopAtFirstFailure && _failed)) return null;
                    int best = -1;
                    bool anyOpen = false;
                    for (int i = 0; i < runs.Length; i++)
                    {
                        if (runs[i] is not { Finished: false } run) continue;
                        anyOpen = true;
                        if (_taken[i]) continue;
                        if (best < 0 || run.Busy / run.Family.TimeShare < runs[best]!.Busy / runs[best]!.Family.TimeShare) best = i;
                    }
                    if (best >= 0)
                    {
                        _taken[best] = true;
                        return best;
                    }
                    if (!anyOpen) return null;
                    // Every open stream is in another worker's hands.
                    Monitor.Wait(_gate);
                }
            }
        }

        private void Give(int i, IStreamRun run)
        {
            lock (_gate)
            {
                _taken[i] = false;
                if (run.Finished && !_reported[i])
                {
                    _reported[i] = true;
                    FamilyResult result = run.Result(StopReason.Budget);
                    _failed |= result.Failed;
                    progress.EndStream(result);
                }
                Monitor.PulseAll(_gate);
            }
        }
    }
}
