using System.Diagnostics;

namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// The one clock of a run: its budget, the time spent, and <see cref="Stop"/>, which fires when the budget is spent
/// or the user interrupts. Every stream, and every case that can stop part-way (a property run, its shrink, a Coyote
/// run, an exploration), draws on this clock, so a run ends within its budget plus about a second.
/// </summary>
public sealed class CampaignClock : IDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop;

    /// <param name="budget">The run's budget; <see cref="Stop"/> fires when it is spent.</param>
    /// <param name="interruption">The user's interrupt (SIGINT, SIGTERM).</param>
    /// <param name="casesRunWhole"><c>--cases N</c>: a case is never cut by the budget, only by an interrupt (the budget
    /// still stops a stream between cases).</param>
    public CampaignClock(TimeSpan budget, CancellationToken interruption, bool casesRunWhole = false)
    {
        Budget = budget;
        Interruption = interruption;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(interruption);
        if (!casesRunWhole) _stop.CancelAfter(budget > TimeSpan.Zero ? budget : TimeSpan.Zero);
    }

    public TimeSpan Budget { get; }

    /// <summary>The user's interrupt alone: a case it stops is <see cref="StopReason.Cancelled"/>, not budget.</summary>
    public CancellationToken Interruption { get; }

    /// <summary>Fires when the budget is spent (unless cases run whole) or the user interrupts.</summary>
    public CancellationToken Stop => _stop.Token;

    public TimeSpan Elapsed => _clock.Elapsed;

    /// <summary>What is left of the budget (zero when it is spent).</summary>
    public TimeSpan Remaining => Budget > _clock.Elapsed ? Budget - _clock.Elapsed : TimeSpan.Zero;

    public bool Spent => _clock.Elapsed >= Budget;

    private int _casesStarted;

    /// <summary>
    /// Whether a case may start now: while the budget lasts, and always for the run's very first case, so even a
    /// budget shorter than one case checks something visible (and a run never reports HOLDS having run nothing).
    /// </summary>
    public bool MayStartCase() => Interlocked.Exchange(ref _casesStarted, 1) == 0 || !Spent;

    public void Dispose() => _stop.Dispose();
}
