using System.Diagnostics;
using PymallocVerify.Cli.Options;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Campaign;

/// <summary>Everything a family needs to run one stream of cases: which cases, under what, for how long.</summary>
public sealed class FamilyContext
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public required ulong CampaignSeed { get; init; }
    public required Shard Shard { get; init; }
    public required FamilyConfiguration Configuration { get; init; }

    /// <summary>This stream's share of the budget: checked between cases, never inside one.</summary>
    public required TimeSpan TimeSlice { get; init; }

    /// <summary><c>--cases N</c>: at most this many cases in this stream (null: the budget decides).</summary>
    public int? MaxCases { get; init; }

    /// <summary>Where counterexample files go (created on first use).</summary>
    public required string CounterexampleDirectory { get; init; }

    /// <summary>Hidden <c>--seeded-bug</c>: run against a deliberately broken variant (tests and <c>mutants</c>).</summary>
    public SeededBug? SeededBug { get; init; }

    /// <summary>The <c>replay</c> option that replays a counterexample on <see cref="SeededBug"/> (null without one).</summary>
    public string? SeededBugReplayOption => SeededBug is null ? null : $"--seeded-bug {SeededBug.Name}";

    public CancellationToken Cancellation { get; init; }

    public TimeSpan Elapsed => _clock.Elapsed;

    public bool OutOfTime => _clock.Elapsed >= TimeSlice;

    /// <summary>What is left of <see cref="TimeSlice"/> (zero when it is spent).</summary>
    public TimeSpan Remaining => TimeSlice > _clock.Elapsed ? TimeSlice - _clock.Elapsed : TimeSpan.Zero;

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
