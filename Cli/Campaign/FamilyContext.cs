using PymallocVerify.Cli.Options;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Campaign;

/// <summary>Everything a family needs to run one stream of cases: which cases, under what, for how long.</summary>
public sealed class FamilyContext
{
    public required ulong CampaignSeed { get; init; }
    public required Shard Shard { get; init; }
    public required FamilyConfiguration Configuration { get; init; }

    /// <summary>The run's clock: its budget, shared by every stream, and the token that stops a case part-way.</summary>
    public required CampaignClock Clock { get; init; }

    /// <summary><c>--cases N</c>: at most this many cases in this stream (null: the budget decides).</summary>
    public int? MaxCases { get; init; }

    /// <summary>Where counterexample files go (created on first use).</summary>
    public required string CounterexampleDirectory { get; init; }

    /// <summary>Hidden <c>--seeded-bug</c>: run against a deliberately broken variant (tests and <c>mutants</c>).</summary>
    public SeededBug? SeededBug { get; init; }

    /// <summary>The <c>replay</c> option that replays a counterexample on <see cref="SeededBug"/> (null without one).</summary>
    public string? SeededBugReplayOption => SeededBug is null ? null : $"--seeded-bug {SeededBug.Name}";

    /// <summary>The time this stream can expect: the budget × workers × its family's <see cref="IVerificationFamily.TimeShare"/>
    /// ÷ the runnable streams' shares summed. A case that could outgrow it (an exhaustive depth) stops there.</summary>
    public TimeSpan FairShare { get; init; } = TimeSpan.MaxValue;

    /// <summary>
    /// Fires when the budget is spent or the user interrupts: a case passes it to whatever can stop part-way (a property
    /// run and its shrink, a Coyote engine, an exploration) and reports itself not completed when it fired.
    /// </summary>
    public CancellationToken Stop => Clock.Stop;

    /// <summary>The user interrupted the run (as opposed to the budget being spent).</summary>
    public bool Interrupted => Clock.Interruption.IsCancellationRequested;

    /// <summary>What is left of the run's budget (zero when it is spent).</summary>
    public TimeSpan Remaining => Clock.Remaining;

    /// <summary>
    /// This shard's cases of the family's list, in order, with their derived seeds. <paramref name="caseCount"/>
    /// bounds a finite list; the caller stops early on budget or <see cref="MaxCases"/>.
    /// </summary>
    public IEnumerable<CaseSpec> PlannedCases(string family, long? caseCount)
    {
        for (long ordinal = 0; ; ordinal++)
        {
            long index = Shard.CaseIndex(ordinal);
            if (caseCount is { } n && index >= n) yield break;
            yield return new CaseSpec(index, SeedSplitter.CaseSeed(CampaignSeed, family, Configuration.Label, index));
        }
    }

    /// <summary>The file name stem for a counterexample of case <paramref name="spec"/>: unique per stream and case.</summary>
    public string CounterexamplePath(string family, CaseSpec spec, string extension = ".json")
    {
        Directory.CreateDirectory(CounterexampleDirectory);
        string name = $"{family}-{Configuration.Geometry.Name}-{OracleNames.Of(Configuration.Oracle)}" +
                      (SeededBug is null ? "" : $"-{SeededBug.Name}") + $"-case{spec.Index}-{spec.Seed:x16}{extension}";
        return Path.Combine(CounterexampleDirectory, name);
    }
}
