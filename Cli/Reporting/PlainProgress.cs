using System.Diagnostics;
using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Reporting;

/// <summary>
/// Progress for logs (CI, redirected output): a line when a stream runs its first case, one every
/// <see cref="Interval"/> while it runs, and one when it ends. No cursor movement, no colour. Streams run on several
/// threads, so every line goes through one synchronized writer and is written whole.
/// </summary>
public sealed class PlainProgress(TextWriter output, TimeSpan? every = null) : ICampaignProgress
{
    private readonly TextWriter _output = TextWriter.Synchronized(output);

    public TimeSpan Interval { get; } = every ?? TimeSpan.FromSeconds(10);

    public IProgressReporter BeginStream(IVerificationFamily family, FamilyConfiguration configuration, TimeSpan fairShare) =>
        new PlainStreamReporter(_output, $"[{family.Name} {configuration.Label}]", family.OperationUnit, Interval);

    public void EndStream(FamilyResult result)
    {
        string verdict = result.Failed ? "FAILED" : result.StoppedBy == StopReason.Cancelled ? "INTERRUPTED" : "holds";
        _output.WriteLine($"[{result.Family} {result.Configuration.Label}] {verdict}: {RateText.Plural(result.Cases.Count, "case")}, " +
                          $"{RateText.Count(result.Operations)} {result.OperationUnit} in {RateText.Seconds(result.Elapsed)} " +
                          $"({RateText.PerSecond(result.Operations, result.Elapsed)}), stopped by {StopText.Of(result.StoppedBy)}");
    }

    private sealed class PlainStreamReporter(TextWriter output, string label, string unit, TimeSpan interval) : IProgressReporter
    {
        private readonly Stopwatch _clock = new();
        private TimeSpan _nextLine;
        private long _operations;
        private int _cases;

        public void CaseStarted(CaseSpec spec)
        {
            if (_clock.IsRunning) return;
            _clock.Start();
            _nextLine = interval;
            output.WriteLine($"{label} start: case {spec.Index}");
        }

        public void Advance(long operations)
        {
            _operations += operations;
            if (_clock.Elapsed < _nextLine) return;
            _nextLine = _clock.Elapsed + interval;
            output.WriteLine($"{label} {RateText.Plural(_cases, "case")}, {RateText.Count(_operations)} {unit}, {RateText.PerSecond(_operations, _clock.Elapsed)}");
        }

        public void CaseFinished(CaseRecord record) => _cases++;
    }
}
