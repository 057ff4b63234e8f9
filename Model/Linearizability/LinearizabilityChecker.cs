namespace PymallocVerify.Model.Linearizability;

/// <summary>
/// Wing &amp; Gong's search for a linearization, with Lowe's memoisation: depth-first, it picks any pending
/// call invoked before the earliest pending response (so real-time order is respected), applies it to the
/// sequential specification, and backtracks on rejection. A (set of linearized calls, state) pair already
/// explored is never explored again, which turns the factorial search into one bounded by the number of
/// distinct configurations. The specification validates observed results rather than predicting them, so a
/// nondeterministic operation (which block malloc returns) needs no enumeration.
/// </summary>
public static class LinearizabilityChecker
{
    /// <summary>Calls are tracked in a 128-bit set; a longer history must be split (e.g. per iteration).</summary>
    public const int MaxCalls = 128;

    /// <param name="step">The sequential specification; <typeparamref name="TState"/> must have value equality (memoisation keys on it).</param>
    /// <param name="maxStates">Search budget; exceeding it gives <see cref="LinearizabilityVerdict.Inconclusive"/>.</param>
    public static LinearizabilityResult<TCall> Check<TState, TCall>(
        IReadOnlyList<TimedCall<TCall>> history,
        TState initial,
        Func<TState, TCall, TransitionResult<TState>> step,
        long maxStates = 2_000_000)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(initial);
        ArgumentNullException.ThrowIfNull(step);
        if (history.Count > MaxCalls)
            throw new ArgumentException($"a history may hold at most {MaxCalls} calls; got {history.Count}", nameof(history));
        foreach (var call in history)
            if (call.Returned < call.Invoked)
                throw new ArgumentException($"call returns before it is invoked: {call}", nameof(history));

        // Sorting by invocation makes the search (and so its witness and diagnosis) deterministic and tries
        // the calls in the order they began, which is usually the right one.
        var calls = history.OrderBy(c => c.Invoked).ThenBy(c => c.Returned).ThenBy(c => c.Thread).ToArray();
        var search = new Search<TState, TCall>(calls, step, maxStates);
        bool found = search.Run(initial);
        var verdict = found ? LinearizabilityVerdict.Linearizable
            : search.OutOfBudget ? LinearizabilityVerdict.Inconclusive
            : LinearizabilityVerdict.NotLinearizable;
        return new LinearizabilityResult<TCall>(
            verdict, calls,
            found ? search.Order.Select(i => calls[i]).ToArray() : [],
            search.DeepestPrefix.Select(i => calls[i]).ToArray(),
            search.DeepestBlocked.Select(b => (calls[b.Index], b.Reason)).ToArray(),
            search.StatesExplored);
    }

    private sealed class Search<TState, TCall>(TimedCall<TCall>[] calls, Func<TState, TCall, TransitionResult<TState>> step, long maxStates)
        where TState : class
    {
        private readonly HashSet<(UInt128 Done, TState State)> _explored = [];
        private readonly UInt128 _all = calls.Length == 128 ? UInt128.MaxValue : (UInt128.One << calls.Length) - 1;

        public List<int> Order { get; } = [];
        public int[] DeepestPrefix { get; private set; } = [];
        public List<(int Index, string Reason)> DeepestBlocked { get; } = [];
        public bool OutOfBudget { get; private set; }
        public long StatesExplored => _explored.Count;

        public bool Run(TState initial) => Go(UInt128.Zero, initial);

        private bool Go(UInt128 done, TState state)
        {
            if (done == _all) return true;
            if (OutOfBudget || !_explored.Add((done, state))) return false;
            if (_explored.Count > maxStates) { OutOfBudget = true; return false; }

            long horizon = long.MaxValue;
            for (int i = 0; i < calls.Length; i++)
                if ((done & (UInt128.One << i)) == 0) horizon = Math.Min(horizon, calls[i].Returned);

            bool deepest = Order.Count > DeepestPrefix.Length || (Order.Count == 0 && DeepestBlocked.Count == 0);
            if (deepest) { DeepestPrefix = [.. Order]; DeepestBlocked.Clear(); }

            for (int i = 0; i < calls.Length; i++)
            {
                // calls are sorted by invocation: none after the horizon can be linearized yet
                if (calls[i].Invoked > horizon) break;
                if ((done & (UInt128.One << i)) != 0) continue;
                var result = step(state, calls[i].Call);
                if (result.Next is null)
                {
                    if (deepest) DeepestBlocked.Add((i, result.Rejection ?? "rejected"));
                    continue;
                }
                Order.Add(i);
                if (Go(done | (UInt128.One << i), result.Next)) return true;
                Order.RemoveAt(Order.Count - 1);
                if (OutOfBudget) return false;
            }
            return false;
        }
    }
}
