using System.Reflection;
using Microsoft.Coyote.Runtime;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// An OS thread that runs one controlled operation at a time for <see cref="ControlledThreads"/> and then waits, idle,
/// for the next (in this or a later iteration). A worker is handed out again only once it is back in the idle set,
/// so a thread still unwinding an operation Coyote interrupted is never given a new one.
/// </summary>
/// <remarks>
/// Coyote 1.7 finds the current iteration's runtime through a thread-static, then an async-local, and binds it to the
/// thread in <see cref="Operation.OnStarted"/>; only threads it creates itself are cleared afterwards. A reused thread
/// would otherwise reach the previous iteration's runtime, so each operation runs in the dispatching thread's
/// execution context (which carries the current runtime) and the two thread-statics are cleared when it ends.
/// </remarks>
internal sealed class ScriptWorker
{
    /// <summary>What the bodies of one <see cref="ControlledThreads.Run"/> share: how many are still running, and the first exception.</summary>
    internal sealed class RunState(int bodies)
    {
        private int _running = bodies;
        private Exception? _firstFailure;

        public bool AllFinished => Volatile.Read(ref _running) == 0;

        public Exception? FirstFailure => Volatile.Read(ref _firstFailure);

        public void Fail(Exception e) => Interlocked.CompareExchange(ref _firstFailure, e, null);

        public void Finished() => Interlocked.Decrement(ref _running);
    }

    private static readonly FieldInfo[] CoyoteThreadStatics = FindCoyoteThreadStatics();
    private static readonly Lock IdleGate = new();
    private static readonly Stack<ScriptWorker> Idle = new();
    private static int s_created;

    private readonly object _wakeGate = new(); // a Monitor (Wait/Pulse), not a Lock
    private bool _hasWork;
    private ulong _operation;
    private Action? _body;
    private RunState? _run;
    private ExecutionContext? _context;

    private ScriptWorker(int number)
    {
        // Background: a stuck iteration must not keep the process alive.
        new Thread(Loop) { IsBackground = true, Name = $"script worker {number}" }.Start();
    }

    /// <summary>Hands operation <paramref name="operation"/> (created and started by the caller) to an idle worker.</summary>
    public static void Dispatch(ulong operation, Action body, RunState run)
    {
        ScriptWorker? worker;
        lock (IdleGate) Idle.TryPop(out worker);
        worker ??= new ScriptWorker(Interlocked.Increment(ref s_created));
        worker._operation = operation;
        worker._body = body;
        worker._run = run;
        worker._context = ExecutionContext.Capture();
        lock (worker._wakeGate)
        {
            worker._hasWork = true;
            Monitor.Pulse(worker._wakeGate);
        }
    }

    private void Loop()
    {
        while (true)
        {
            // Monitor.Wait blocks at once: an idle worker that spun (SemaphoreSlim does) would take a core from the
            // iteration's running thread.
            lock (_wakeGate)
            {
                while (!_hasWork)
                {
                    try { Monitor.Wait(_wakeGate); }
                    catch (ThreadInterruptedException)
                    {
                        // Coyote interrupts only threads it created itself; should one ever reach a worker, it was meant
                        // for an operation the worker already left.
                    }
                }
                _hasWork = false;
            }
            if (_context is { } context) ExecutionContext.Run(context, static state => ((ScriptWorker)state!).Execute(), this);
            else Execute();
            foreach (FieldInfo field in CoyoteThreadStatics) field.SetValue(null, null);
            _body = null;
            _run = null;
            _context = null;
            lock (IdleGate) Idle.Push(this);
        }
    }

    private void Execute()
    {
        try
        {
            Operation.OnStarted(_operation);
            try { _body!(); }
            catch (Exception e) when (e is not (ThreadInterruptedException or OperationCanceledException))
            {
                _run!.Fail(e);
            }
            _run!.Finished(); // before OnCompleted: the scheduling point that follows may resume the waiting test thread
            Operation.OnCompleted();
            Operation.ScheduleNext();
        }
        catch (Exception e) when (e is ThreadInterruptedException or OperationCanceledException)
        {
            // Coyote detached this iteration (a bug found, or a deadlock) and interrupts its operations.
        }
    }

    private static FieldInfo[] FindCoyoteThreadStatics()
    {
        Type runtime = typeof(Operation).Assembly.GetType("Microsoft.Coyote.Runtime.CoyoteRuntime", throwOnError: true)!;
        string[] names = ["ThreadLocalRuntime", "ExecutingOperation"];
        return [.. names.Select(name =>
        {
            FieldInfo? field = runtime.GetField(name, BindingFlags.NonPublic | BindingFlags.Static);
            return field is not null && field.IsDefined(typeof(ThreadStaticAttribute))
                ? field
                : throw new InvalidOperationException(
                    $"Coyote's CoyoteRuntime.{name} thread-static is gone: this Coyote version binds threads differently, so script workers cannot be reused");
        })];
    }
}
