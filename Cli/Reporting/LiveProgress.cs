using System.Diagnostics;
using PymallocVerify.Cli.Campaign;
using Spectre.Console;

namespace PymallocVerify.Cli.Reporting;

/// <summary>
/// Live progress on a terminal (Spectre.Console): one bar per stream, filling with the time its cases took against
/// its fair share of the budget, its label showing the family, configuration, current case, operations checked and
/// the rate. Streams run side by side, so every bar is added up front (Spectre's tasks take updates from any thread).
/// </summary>
public sealed class LiveProgress(ProgressContext context) : ICampaignProgress
{
    private static readonly TimeSpan Refresh = TimeSpan.FromMilliseconds(100);
    private readonly Dictionary<(string, FamilyConfiguration), ProgressTask> _tasks = [];

    public IProgressReporter BeginStream(IVerificationFamily family, FamilyConfiguration configuration, TimeSpan fairShare)
    {
        string label = $"{family.Name} {configuration.Label}";
        ProgressTask task = context.AddTask(Markup.Escape(label), maxValue: Math.Max(1, fairShare.TotalMilliseconds));
        lock (_tasks) _tasks[(family.Name, configuration)] = task;
        return new LiveStreamReporter(task, label, family.OperationUnit);
    }

    public void EndStream(FamilyResult result)
    {
        ProgressTask? task;
        lock (_tasks) _tasks.TryGetValue((result.Family, result.Configuration), out task);
        if (task is null) return;
        string verdict = result.Failed ? "[red]FAILED[/]" : result.StoppedBy == StopReason.Cancelled ? "[yellow]INTERRUPTED[/]" : "[green]holds[/]";
        task.Description = Markup.Escape($"{result.Family} {result.Configuration.Label}: {RateText.Plural(result.Cases.Count, "case")}, " +
                                         $"{RateText.Count(result.Operations)} {result.OperationUnit} ") + verdict;
        task.Value = task.MaxValue;
        task.StopTask();
    }

    private sealed class LiveStreamReporter(ProgressTask task, string label, string unit) : IProgressReporter
    {
        private readonly Stopwatch _busy = new();
        private TimeSpan _nextUpdate;
        private long _operations;
        private long _case;

        public void CaseStarted(CaseSpec spec)
        {
            _case = spec.Index;
            _busy.Start();
            Update(force: false);
        }

        public void Advance(long operations)
        {
            _operations += operations;
            Update(force: false);
        }

        public void CaseFinished(CaseRecord record)
        {
            _busy.Stop();
            Update(force: true);
        }

        private void Update(bool force)
        {
            TimeSpan now = _busy.Elapsed;
            if (!force && now < _nextUpdate) return;
            _nextUpdate = now + Refresh;
            task.Description = Markup.Escape(
                $"{label}: case {_case} · {RateText.Count(_operations)} {unit} · {RateText.PerSecond(_operations, now)}");
            task.Value = Math.Min(task.MaxValue, now.TotalMilliseconds);
        }
    }
}
