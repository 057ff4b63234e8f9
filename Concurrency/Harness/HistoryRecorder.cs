using PymallocVerify.Model.Linearizability;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// Records every invocation and response of one iteration. Stamps come from one <see cref="Interlocked"/>
/// counter, so they order events across threads the way real time does. Calls made before the concurrent
/// phase (the setup) are kept apart: they are sequential, and the specification replays them in order.
/// </summary>
public sealed class HistoryRecorder
{
    private readonly Lock _gate = new();
    private readonly List<HeapCall> _setup = [];
    private readonly List<HeapCall> _setupAfterCall = [];
    private readonly List<TimedCall<HeapCall>> _history = [];
    private long _clock;

    /// <summary>True once the threads run; before that, calls are setup calls.</summary>
    public bool Concurrent { get; set; }

    public long Stamp() => Interlocked.Increment(ref _clock);

    public void Record(int thread, long invoked, long returned, HeapCall call)
    {
        lock (_gate)
        {
            if (Concurrent)
            {
                _history.Add(new TimedCall<HeapCall>(thread, invoked, returned, call));
                return;
            }
            _setup.Add(call);
            _setup.AddRange(_setupAfterCall);
            _setupAfterCall.Clear();
        }
    }

    /// <summary>An instantaneous event (an arena mapped), stamped now; in the setup it precedes the call making it.</summary>
    public void RecordEvent(int thread, HeapCall call)
    {
        long now = Stamp();
        Record(thread, now, now, call);
    }

    /// <summary>
    /// An event that may have taken effect any time since <paramref name="since"/> (an arena released: pymalloc
    /// decided it, and readers may see it gone, from the start of the mutation that frees it); it completes now.
    /// In the setup it follows the call making it.
    /// </summary>
    public void RecordEventSince(int thread, long since, HeapCall call)
    {
        long now = Stamp();
        lock (_gate)
        {
            if (Concurrent) _history.Add(new TimedCall<HeapCall>(thread, Math.Min(since, now), now, call));
            else _setupAfterCall.Add(call);
        }
    }

    public IReadOnlyList<HeapCall> SetupCalls { get { lock (_gate) return [.. _setup]; } }

    public IReadOnlyList<TimedCall<HeapCall>> History { get { lock (_gate) return [.. _history]; } }
}
