using System.Runtime.CompilerServices;
using Microsoft.Coyote.Specifications;
using PymallocVerify.Allocator;
using PymallocVerify.Allocator.Concurrent;
using PymallocVerify.Allocator.Simulated;
using PymallocVerify.Concurrency.Scripts;
using PymallocVerify.Model;
using PymallocVerify.Model.Linearizability;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Concurrency.Harness;

/// <summary>
/// One Coyote iteration: a fresh heap on a simulated address space, the setup run sequentially, the
/// threads run as controlled operations, then three checks — no thread threw, the history is
/// linearizable against <see cref="HeapHistorySpec"/>, and the heap's invariants hold.
/// </summary>
public static class IterationRunner
{
    public static IterationOutcome Run(ConcurrencyScenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        return HeapTypeArguments.Real(scenario.Oracle).Apply(new ScenarioRun(scenario));
    }

    /// <summary>Runs the scenario on the real heap's oracle; the hooks are the harness's own (<see cref="CoyoteHooks"/>).</summary>
    private sealed class ScenarioRun(ConcurrencyScenario scenario) : IHeapTypeVisitor<IterationOutcome>
    {
        public IterationOutcome Visit<TOracle, THooks>()
            where TOracle : struct, IOwnershipOracle
            where THooks : struct, IHeapHooks => Run<TOracle>(scenario);
    }

    private static IterationOutcome Run<TOracle>(ConcurrencyScenario scenario) where TOracle : struct, IOwnershipOracle
    {
        var geometry = Geometry.FromName(scenario.Geometry);
        var context = new IterationContext(scenario.Bug, scenario.InterleaveMemoryAccesses);
        var memory = new ControlledMemory(
            new SimulatedAddressSpace(Placement(geometry), geometry.PageSize),
            new IterationArenas((ulong)geometry.ArenaSize, scenario.ArenaMisalignment),
            context);
        var heap = new ConcurrentHeap<ControlledMemory, TOracle, CoyoteHooks, CoyoteLock>(
            geometry, memory, default, new CoyoteHooks(context), new CoyoteLock(context));
        context.ArenaTableSource = () => heap.ArenaTableSnapshot;
        var board = new IterationBoard();
        var spec = new HeapHistorySpec((ulong)geometry.ArenaSize, (ulong)geometry.PoolSize);

        new ScriptExecutor<TOracle>(heap, memory, board, thread: 0).Run(scenario.Setup);
        var initial = InitialState(scenario, spec, context.Recorder.SetupCalls);

        context.Recorder.Concurrent = true;
        context.Active = true;
        var bodies = scenario.Threads
            .Select<IReadOnlyList<Operation>, Action>((script, i) => () => new ScriptExecutor<TOracle>(heap, memory, board, i + 1).Run(script))
            .ToArray();
        Exception? thrown;
        try { thrown = ControlledThreads.Run(bodies); }
        finally { context.Active = false; }
        IterationContext.CurrentThread = 0;

        var history = context.Recorder.History;
        return Judge(heap, spec, initial, history, thrown) with { Interleavings = context.Accesses.Interleavings(history) };
    }

    private static IterationOutcome Judge<TOracle>(
        ConcurrentHeap<ControlledMemory, TOracle, CoyoteHooks, CoyoteLock> heap, HeapHistorySpec spec, HeapSpecState initial,
        IReadOnlyList<TimedCall<HeapCall>> history, Exception? thrown) where TOracle : struct, IOwnershipOracle
    {
        if (thrown is not null)
            return new IterationOutcome(FailureKind.WorkerThrew, $"a script thread threw {thrown.GetType().Name}: {thrown.Message}", history, thrown.ToString());

        var result = spec.Check(history, initial);
        if (result.Verdict != LinearizabilityVerdict.Linearizable)
        {
            var blocked = result.Blocked.FirstOrDefault();
            string summary = result.Verdict == LinearizabilityVerdict.Inconclusive
                ? $"the linearizability search gave up after {result.StatesExplored} states"
                : blocked.Call is null ? "no linearization" : $"{blocked.Call.Call}: {blocked.Reason}";
            return new IterationOutcome(
                result.Verdict == LinearizabilityVerdict.Inconclusive ? FailureKind.CheckInconclusive : FailureKind.NotLinearizable,
                summary, history, result.Explain());
        }

        try { heap.CheckInvariants(); }
        catch (Exception e)
        {
            return new IterationOutcome(FailureKind.InvariantBroken, $"{e.GetType().Name}: {e.Message}", history, "");
        }
        return IterationOutcome.Pass(history);
    }

    /// <summary>
    /// Foreign blocks in the ordinary heap or right against a live arena, on either side (where an off-by-one
    /// range test or a radix leaf of the wrong span would claim them). Arenas are placed by <see cref="IterationArenas"/>.
    /// Same seed every iteration: under one schedule the layout repeats, so a trace replays.
    /// </summary>
    private static PlacementPolicy Placement(Geometry geometry) => new(geometry, seed: 1)
    {
        ForeignChoices = [ForeignPlacement.Heap, ForeignPlacement.DirectlyAfterArena, ForeignPlacement.DirectlyBeforeArena],
    };

    private static readonly ConditionalWeakTable<ConcurrencyScenario, Tuple<HeapCall[], HeapSpecState>> SetupCache = new();

    /// <summary>
    /// The specification state after the setup. The setup is sequential and deterministic, so its state is
    /// computed once per scenario — but reused only if this iteration's setup calls are the very same.
    /// </summary>
    private static HeapSpecState InitialState(ConcurrencyScenario scenario, HeapHistorySpec spec, IReadOnlyList<HeapCall> setupCalls)
    {
        if (SetupCache.TryGetValue(scenario, out var cached) && cached.Item1.SequenceEqual(setupCalls)) return cached.Item2;
        var state = spec.Replay(HeapSpecState.Empty, setupCalls);
        SetupCache.AddOrUpdate(scenario, Tuple.Create(setupCalls.ToArray(), state));
        return state;
    }

    /// <summary>Runs <see cref="Run"/> inside a Coyote test and turns a failure into a Coyote bug.</summary>
    internal static void RunAsCoyoteTest(ConcurrencyScenario scenario, Action<IterationOutcome> onFailure,
                                         Action<IterationOutcome>? onEach = null)
    {
        var outcome = Run(scenario);
        onEach?.Invoke(outcome);
        if (!outcome.Failed) return;
        onFailure(outcome);
        Specification.Assert(false, "{0}: {1}", outcome.Failure, outcome.Summary);
    }
}
