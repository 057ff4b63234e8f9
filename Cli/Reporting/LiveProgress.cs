using System.Diagnostics;
using PymallocVerify.Cli.Campaign;
using Spectre.Console;

namespace PymallocVerify.Cli.Reporting;

/// <summary>
/// Live progress on a terminal (Spectre.Console): one bar per stream, filling with its time slice, its label
/// showing the family, configuration, current case, operations checked and the rate.
/// </summary>
public sealed class LiveProgress(ProgressContext context) : ICampaignProgress
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(100);
    private ProgressTask? _task;

    public IProgressReporter BeginStream(IVerificationFamily family, FamilyConfiguration configuration, TimeSpan timeSlice)
    {
        string label = $"{family.Name} {configuration.Label}";
        _task = context.AddTask(Markup.Escape(label), maxValue: Math.Max(1, timeSlice.TotalMilliseconds));
        return new LiveStreamReporter(_task, label, family.OperationUnit);
    }

    public void EndStream(FamilyResult result)
    {
        if (_task is null) return;
        string verdict = result.Failed ? "[red]FAILED[/]" : result.StoppedBy == StopReason.Cancelled ? "[yellow]INTERRUPTED[/]" : "[green]holds[/]";
        _task.Description = Markup.Escape($"{result.Family} {result.Configuration.Label}: {RateText.Plural(result.Cases.Count, "case")}, " +
                                          $"{RateText.Count(result.Operations)} {result.OperationUnit} ") + verdict;
        _task.Value = _task.MaxValue;
        _task.StopTask();
    }

    private sealed class LiveStreamReporter(ProgressTask task, string label, string unit) : IProgressReporter
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _nextUpdate;
        private long _operations;
        private long _case;

        public void CaseStarted(CaseSpec spec)
        {
            _case = spec.Index;
            Update(force: false);
        }

        public void Advance(long operations)
        {
            _operations += operations;
            Update(force: false);
        }

        public void CaseFinished(CaseRecord record) => Update(force: false);

        private void Update(bool force)
        {
            TimeSpan now = _clock.Elapsed;
            if (!force && now < _nextUpdate) return;
            _nextUpdate = now + Refresh;
            task.Description = Markup.Escape(
                $"{label}: case {_case} · {RateText.Count(_operations)} {unit} · {RateText.PerSecond(_operations, now)}");
            task.Value = Math.Min(task.MaxValue, now.TotalMilliseconds);
        }
    }
}
