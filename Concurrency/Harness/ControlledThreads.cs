using Microsoft.Coyote.Runtime;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// Runs bodies on real OS threads that Coyote controls without binary rewriting: each body is a controlled
/// operation (<see cref="Operation"/>), and only the scheduling points our hooks place let another one run.
/// The threads are <see cref="ScriptWorker"/>s kept across iterations: starting an OS thread costs more than a
/// whole iteration's scheduling points (.NET's <c>Thread.Start</c> yields in a loop until the new thread runs, which on
/// two busy cores takes milliseconds), and a controlled operation does not care which OS thread runs it.
/// An exception in a body is caught and returned (one escaping a worker would abort the process).
/// </summary>
public static class ControlledThreads
{
    /// <returns>The first exception thrown by any body, or null.</returns>
    public static Exception? Run(IReadOnlyList<Action> bodies)
    {
        var ids = new ulong[bodies.Count];
        var failure = new ScriptWorker.FailureSlot();
        for (int i = 0; i < bodies.Count; i++)
        {
            ulong id = Operation.CreateNext() ?? throw new InvalidOperationException("not running under a Coyote TestingEngine");
            ids[i] = id;
            Operation.Start(id); // before the worker calls OnStarted, else Coyote sees a false deadlock
            ScriptWorker.Dispatch(id, bodies[i], failure);
            Operation.ScheduleNext();
        }
        foreach (ulong id in ids) Operation.PauseUntilCompleted(id);
        return failure.First;
    }
}
