using System.Diagnostics;
using PymallocVerify.Cli.Campaign;

namespace PymallocVerify.Cli.Reporting;

/// <summary>
/// Progress for logs (CI, redirected output): a line when a stream starts, one every
/// <see cref="Interval"/> while it runs, and one when it ends. No cursor movement, no colour.
/// </summary>
public sealed class PlainProgress(TextWriter output, TimeSpan? every = null) : ICampaignProgress
{
    public TimeSpan Interval { get; } = every ?? TimeSpan.FromSeconds(10);

    public IProgressReporter BeginStream(IVerificationFamily family, FamilyConfiguration configuration, TimeSpan timeSlice)
    {
        string label = $"[{family.Name} {configuration.Label}]";
        output.WriteLine($"{label} start: time slice {RateText.Seconds(timeSlice)}");
        return new PlainStreamReporter(output, label, family.OperationUnit, Interval);
    }

    public void EndStream(FamilyResult result)
    {
        string verdict = result.Failed ? "FAILED" : result.StoppedBy == StopReason.Cancelled ? "INTERRUPTED" : "holds";
        output.WriteLine($"[{result.Family} {result.Configuration.Label}] {verdict}: {RateText.Plural(result.Cases.Count, "case")}, " +
                         $"{RateText.Count(result.Operations)} {result.OperationUnit} in {RateText.Seconds(result.Elapsed)} " +
                         $"({RateText.PerSecond(result.Operations, result.Elapsed)}), stopped by {StopText.Of(result.StoppedBy)}");
    }

    private sealed class PlainStreamReporter(TextWriter output, string label, string unit, TimeSpan interval) : IProgressReporter
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private TimeSpan _nextLine;
        private long _operations;
        private int _cases;

        public void CaseStarted(CaseSpec spec) { }

        public void Advance(long operations)
        {
            _operations += operations;
            if (_nextLine == TimeSpan.Zero) _nextLine = interval;
            if (_clock.Elapsed < _nextLine) return;
            _nextLine = _clock.Elapsed + interval;
            output.WriteLine($"{label} {RateText.Plural(_cases, "case")}, {RateText.Count(_operations)} {unit}, {RateText.PerSecond(_operations, _clock.Elapsed)}");
        }

        public void CaseFinished(CaseRecord record) => _cases++;
    }
}
