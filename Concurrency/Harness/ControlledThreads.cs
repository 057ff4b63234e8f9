using Microsoft.Coyote.Runtime;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// Runs bodies on real OS threads that Coyote controls without binary rewriting: each thread is a controlled
/// operation (<see cref="Operation"/>), and only the scheduling points our hooks place let another one run.
/// An exception in a body is caught and returned (one escaping a worker would abort the process).
/// </summary>
public static class ControlledThreads
{
    /// <returns>The first exception thrown by any body, or null.</returns>
    public static Exception? Run(IReadOnlyList<Action> bodies)
    {
        var ids = new ulong[bodies.Count];
        var threads = new Thread[bodies.Count];
        Exception? failure = null;
        for (int i = 0; i < bodies.Count; i++)
        {
            var body = bodies[i];
            ulong id = Operation.CreateNext() ?? throw new InvalidOperationException("not running under a Coyote TestingEngine");
            threads[i] = new Thread(() =>
            {
                try
                {
                    Operation.OnStarted(id);
                    try { body(); }
                    catch (Exception e) when (e is not (ThreadInterruptedException or OperationCanceledException))
                    {
                        Interlocked.CompareExchange(ref failure, e, null);
                    }
                    Operation.OnCompleted();
                    Operation.ScheduleNext();
                }
                catch (Exception e) when (e is ThreadInterruptedException or OperationCanceledException)
                {
                    // Coyote detached this iteration (a bug found, or a deadlock) and interrupts its operations.
                }
            }) { IsBackground = true, Name = $"script thread {i + 1}" }; // a stuck run must not block process exit
            ids[i] = id;
            Operation.Start(id); // before Thread.Start, else Coyote sees a false deadlock
            threads[i].Start();
            Operation.ScheduleNext();
        }
        foreach (ulong id in ids) Operation.PauseUntilCompleted(id);
        foreach (var thread in threads) thread.Join();
        return failure;
    }
}
