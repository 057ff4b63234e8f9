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
/// <remarks>
/// The calling thread (Coyote's test operation) starts every body, then takes one scheduling point and waits for all
/// of them. A point after each start would add hand-offs between OS threads, not interleavings of the bodies: a
/// started body the scheduler has not picked has run nothing (its thread waits in <see cref="Operation.OnStarted"/>),
/// so it is indistinguishable from one not started yet, the scheduler may still pick the bodies in any order at every
/// point, and the caller touches no heap state between such points.
/// </remarks>
public static class ControlledThreads
{
    /// <returns>The first exception thrown by any body, or null.</returns>
    public static Exception? Run(IReadOnlyList<Action> bodies)
    {
        var run = new ScriptWorker.RunState(bodies.Count);
        foreach (Action body in bodies)
        {
            ulong id = Operation.CreateNext() ?? throw new InvalidOperationException("not running under a Coyote TestingEngine");
            Operation.Start(id); // before the worker calls OnStarted, else Coyote sees a false deadlock
            ScriptWorker.Dispatch(id, body, run);
        }
        Operation.ScheduleNext(); // waits until every worker has reached OnStarted, then lets the scheduler pick one
        Operation.PauseUntil(() => run.AllFinished);
        return run.FirstFailure;
    }
}
