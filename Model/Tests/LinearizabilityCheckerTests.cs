using PymallocVerify.Model.Linearizability;
using Xunit;

namespace PymallocVerify.Model.Tests;

/// <summary>The search on its own, against tiny textbook specifications and hand-written histories.</summary>
public class LinearizabilityCheckerTests
{
    private sealed record Register(int Value);

    private abstract record RegisterCall;
    private sealed record Write(int Value) : RegisterCall;
    private sealed record Read(int Value) : RegisterCall;
    /// <summary>Fetch-and-increment, returning the value before the increment.</summary>
    private sealed record Increment(int Before) : RegisterCall;

    private static TransitionResult<Register> RegisterStep(Register s, RegisterCall call) => call switch
    {
        Write w => TransitionResult<Register>.Accept(new Register(w.Value)),
        Read r when r.Value == s.Value => TransitionResult<Register>.Accept(s),
        Read r => TransitionResult<Register>.Reject($"read {r.Value} but the register holds {s.Value}"),
        Increment i when i.Before == s.Value => TransitionResult<Register>.Accept(new Register(s.Value + 1)),
        Increment i => TransitionResult<Register>.Reject($"increment saw {i.Before} but the register holds {s.Value}"),
        _ => throw new ArgumentException("unknown call"),
    };

    private static TimedCall<RegisterCall> At(int thread, long invoked, long returned, RegisterCall call) =>
        new(thread, invoked, returned, call);

    private static LinearizabilityResult<RegisterCall> Check(params TimedCall<RegisterCall>[] history) =>
        LinearizabilityChecker.Check(history, new Register(0), RegisterStep);

    [Fact]
    public void EmptyHistoryIsLinearizable() => Assert.True(Check().IsLinearizable);

    [Fact]
    public void ReadOverlappingAWriteMaySeeTheNewValue()
    {
        var result = Check(At(1, 1, 4, new Write(1)), At(2, 2, 3, new Read(1)));
        Assert.True(result.IsLinearizable, result.Explain());
        Assert.Equal([new Write(1), new Read(1)], result.Witness.Select(c => c.Call));
    }

    [Fact]
    public void ReadOverlappingAWriteMaySeeTheOldValue() =>
        Assert.True(Check(At(1, 1, 4, new Write(1)), At(2, 2, 3, new Read(0))).IsLinearizable);

    [Fact]
    public void ReadAfterACompletedWriteMustNotSeeTheOldValue()
    {
        var result = Check(At(1, 1, 2, new Write(1)), At(2, 3, 4, new Read(0)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Contains(result.Blocked, b => b.Reason == "read 0 but the register holds 1");
    }

    [Fact]
    public void NewOldInversionIsRejected()
    {
        // The first read saw the write, so the write took effect before it; a later read cannot undo that.
        var result = Check(At(1, 1, 10, new Write(1)), At(2, 2, 3, new Read(1)), At(3, 4, 5, new Read(0)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Equal(2, result.LongestPrefix.Count);
        Assert.Contains("no call can come next", result.Explain());
    }

    [Fact]
    public void OldThenNewAcrossOverlappingReadsIsAccepted() =>
        Assert.True(Check(At(1, 1, 10, new Write(1)), At(2, 2, 3, new Read(0)), At(3, 4, 5, new Read(1))).IsLinearizable);

    [Fact]
    public void LostUpdateIsRejected()
    {
        var result = Check(At(1, 1, 3, new Increment(0)), At(2, 2, 4, new Increment(0)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
    }

    [Fact]
    public void OverlappingIncrementsInEitherOrderAreAccepted() =>
        Assert.True(Check(At(1, 1, 3, new Increment(1)), At(2, 2, 4, new Increment(0))).IsLinearizable);

    [Fact]
    public void RealTimeOrderIsRespectedEvenWhenTheSpecWouldAcceptAnotherOrder()
    {
        // Sequentially, Increment(1) then Increment(0) is impossible; reordering them would be accepted.
        var result = Check(At(1, 1, 2, new Increment(1)), At(2, 3, 4, new Increment(0)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
    }

    [Fact]
    public void MemoisationKeepsAFailingWideHistoryPolynomialInItsConfigurations()
    {
        // 16 overlapping reads of 0 and one impossible read: without memoisation the search would try 16! orders.
        var history = Enumerable.Range(0, 16).Select(i => At(i, i, 100 + i, new Read(0)))
            .Append(At(16, 50, 60, new Read(7))).ToArray();
        var result = LinearizabilityChecker.Check(history, new Register(0), RegisterStep, maxStates: 1 << 18);
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.True(result.StatesExplored <= 1 << 17, $"explored {result.StatesExplored} states");
    }

    [Fact]
    public void ExhaustedBudgetIsInconclusiveNotAVerdict()
    {
        var history = Enumerable.Range(0, 16).Select(i => At(i, i, 100 + i, new Read(0)))
            .Append(At(16, 50, 60, new Read(7))).ToArray();
        var result = LinearizabilityChecker.Check(history, new Register(0), RegisterStep, maxStates: 100);
        Assert.Equal(LinearizabilityVerdict.Inconclusive, result.Verdict);
    }

    [Fact]
    public void InstantaneousEventsAreOrderedByTheirStamp()
    {
        var result = Check(At(0, 5, 5, new Write(3)), At(1, 6, 7, new Read(3)), At(2, 1, 2, new Read(0)));
        Assert.True(result.IsLinearizable, result.Explain());
    }

    [Fact]
    public void MalformedHistoriesAreRefusedWithAMessage()
    {
        var backwards = Assert.Throws<ArgumentException>(() => Check(At(1, 5, 4, new Read(0))));
        Assert.Contains("returns before it is invoked", backwards.Message);
        var tooLong = Enumerable.Range(0, 129).Select(i => At(0, 2 * i, 2 * i + 1, new Read(0))).ToArray();
        Assert.Throws<ArgumentException>(() => Check(tooLong));
    }

    [Fact]
    public void ExactlyTheMaximumLengthIsAccepted()
    {
        var longest = Enumerable.Range(0, LinearizabilityChecker.MaxCalls).Select(i => At(0, 2 * i, 2 * i + 1, new Increment(i))).ToArray();
        Assert.True(Check(longest).IsLinearizable);
    }

    [Fact]
    public void The_history_is_reported_in_invocation_order_then_by_return_then_by_thread()
    {
        var result = Check(At(3, 5, 9, new Read(0)), At(2, 1, 8, new Read(0)), At(1, 5, 9, new Read(0)), At(0, 5, 6, new Read(0)));
        Assert.Equal(["T2 [1..8] Read { Value = 0 }", "T0 [5..6] Read { Value = 0 }", "T1 [5..9] Read { Value = 0 }", "T3 [5..9] Read { Value = 0 }"],
            result.History.Select(c => c.ToString()));
    }

    [Fact]
    public void A_call_invoked_when_another_returns_may_still_precede_it()
    {
        // The stamps come from one counter: equal stamps mean the two calls overlap, so the write may come first.
        var result = Check(At(1, 1, 5, new Read(3)), At(0, 5, 5, new Write(3)));
        Assert.True(result.IsLinearizable, result.Explain());
        Assert.Equal([new Write(3), new Read(3)], result.Witness.Select(c => c.Call));
    }

    [Fact]
    public void The_witness_holds_only_the_order_that_succeeded_after_backtracking()
    {
        // The write is tried first (invoked first) and leaves no room for the read of 0, so the search backs out of it.
        var result = Check(At(0, 1, 10, new Write(1)), At(1, 2, 3, new Read(0)));
        Assert.Equal([new Read(0), new Write(1)], result.Witness.Select(c => c.Call));
        Assert.Equal("Linearizable (2 calls, 3 search states)\none linearization:\n  T1 [2..3] Read { Value = 0 }\n  T0 [1..10] Write { Value = 1 }\n",
            result.Explain().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_failure_explains_the_deepest_prefix_and_why_each_candidate_was_refused()
    {
        var result = Check(At(0, 1, 2, new Write(1)), At(1, 3, 6, new Read(2)), At(2, 4, 5, new Increment(0)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.False(result.IsLinearizable);
        Assert.Empty(result.Witness);
        Assert.Equal(
            "NotLinearizable (3 calls, 2 search states)\n"
            + "deepest linearizable prefix (1 of 3 calls):\n  T0 [1..2] Write { Value = 1 }\n"
            + "no call can come next:\n  T1 [3..6] Read { Value = 2 }: read 2 but the register holds 1\n"
            + "  T2 [4..5] Increment { Before = 0 }: increment saw 0 but the register holds 1\n",
            result.Explain().ReplaceLineEndings("\n"));
    }

    [Fact]
    public void A_failure_at_the_first_call_blames_every_candidate_and_a_reasonless_refusal_says_rejected()
    {
        static TransitionResult<Register> Refuse(Register s, RegisterCall call) => call is Write ? new(null, null) : RegisterStep(s, call);
        var result = LinearizabilityChecker.Check([At(0, 1, 4, new Write(1)), At(1, 2, 3, new Read(5))], new Register(0), Refuse);
        Assert.Empty(result.LongestPrefix);
        Assert.Equal(["rejected", "read 5 but the register holds 0"], result.Blocked.Select(b => b.Reason));
    }

    [Fact]
    public void The_budget_counts_states_exactly()
    {
        TimedCall<RegisterCall>[] sequential = [At(0, 1, 2, new Write(1)), At(0, 3, 4, new Read(1)), At(0, 5, 6, new Increment(1))];
        var enough = LinearizabilityChecker.Check(sequential, new Register(0), RegisterStep, maxStates: 3);
        Assert.Equal(LinearizabilityVerdict.Linearizable, enough.Verdict);
        Assert.Equal(3, enough.StatesExplored);
        var short1 = LinearizabilityChecker.Check(sequential, new Register(0), RegisterStep, maxStates: 2);
        Assert.Equal(LinearizabilityVerdict.Inconclusive, short1.Verdict);
        Assert.StartsWith("Inconclusive (3 calls, 3 search states)", short1.Explain());
    }

    [Fact]
    public void Missing_arguments_are_refused_by_name()
    {
        Assert.Equal("history", Assert.Throws<ArgumentNullException>(() =>
            LinearizabilityChecker.Check<Register, RegisterCall>(null!, new Register(0), RegisterStep)).ParamName);
        Assert.Equal("initial", Assert.Throws<ArgumentNullException>(() =>
            LinearizabilityChecker.Check<Register, RegisterCall>([], null!, RegisterStep)).ParamName);
        Assert.Equal("step", Assert.Throws<ArgumentNullException>(() =>
            LinearizabilityChecker.Check<Register, RegisterCall>([], new Register(0), null!)).ParamName);
        var tooLong = Enumerable.Range(0, 129).Select(i => At(0, 2 * i, 2 * i + 1, new Read(0))).ToArray();
        var e = Assert.Throws<ArgumentException>(() => Check(tooLong));
        Assert.Equal("history", e.ParamName);
        Assert.StartsWith("a history may hold at most 128 calls; got 129", e.Message);
        Assert.StartsWith("call returns before it is invoked: T1 [5..4] Read { Value = 0 }",
            Assert.Throws<ArgumentException>(() => Check(At(1, 5, 4, new Read(0)))).Message);
    }

    [Fact]
    public void A_history_of_the_full_128_calls_is_judged_to_its_last_call()
    {
        TimedCall<RegisterCall>[] Increments(int lastBefore) =>
            Enumerable.Range(0, 128).Select(i => At(0, 2 * i, 2 * i + 1, new Increment(i == 127 ? lastBefore : i))).ToArray();
        var good = Check(Increments(127));
        Assert.True(good.IsLinearizable, good.Explain());
        Assert.Equal(128, good.Witness.Count);
        var bad = Check(Increments(0));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, bad.Verdict);
        Assert.Contains(bad.Blocked, b => b.Reason == "increment saw 0 but the register holds 127");
    }

    [Fact]
    public void A_call_already_linearized_is_never_applied_again()
    {
        // Applying Write(5) a second time would let the last read pass; each call takes effect exactly once.
        var result = Check(At(1, 1, 2, new Write(1)), At(1, 3, 4, new Write(5)), At(1, 5, 6, new Increment(5)), At(1, 7, 8, new Read(5)));
        Assert.Equal(LinearizabilityVerdict.NotLinearizable, result.Verdict);
        Assert.Contains(result.Blocked, b => b.Reason == "read 5 but the register holds 6");
    }
}
