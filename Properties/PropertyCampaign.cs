using System.Collections.Immutable;
using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Shrinking;
using PymallocVerify.Properties.Specs;

namespace PymallocVerify.Properties;

/// <summary>
/// The model-based property campaign: generate cases with FsCheck (one replay seed per case), run each against the
/// reference model on real memory, shrink the first failure with <see cref="CaseShrinker"/>, print it and save it.
/// The xunit tests and the CLI run this same code, the tests on a fixed budget.
/// </summary>
public static class PropertyCampaign
{
    public static PropertyCampaignResult Run(PropertyCampaignSettings settings, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        PropertySubject subject = settings.ToSubject();
        CaseRunner runner = subject.Runner;
        Gen<TestCase> cases = AllocatorPrograms.Cases(subject);
        var coverage = new CoverageTable();
        var failures = new List<CampaignFailure>();
        var clock = Stopwatch.StartNew();
        long operations = 0;
        int ran = 0;
        bool stopped = false;
        for (int i = 0; i < settings.Cases; i++)
        {
            if (cancellation.IsCancellationRequested || (settings.Budget is { } b && clock.Elapsed >= b)) { stopped = true; break; }
            ReplaySeed seed = CaseSeed(settings, i);
            TestCase testCase = Generate(cases, seed);
            RunOutcome outcome = AllocatorSpecs.Judge(subject, testCase, family: null, counterexampleDirectory: null).Outcome;
            ran++;
            operations += outcome.OperationsExecuted;
            coverage.Add(outcome.Coverage);
            if (!outcome.Failed) continue;

            TimeSpan found = clock.Elapsed;
            // Shrinking draws on the campaign's budget, and never takes longer than MaxShrinkTime.
            TimeSpan shrinkTime = settings.Budget is { } total
                ? TimeSpan.FromTicks(Math.Clamp((total - found).Ticks, 0, settings.MaxShrinkTime.Ticks))
                : settings.MaxShrinkTime;
            ShrinkResult shrunk = CaseShrinker.Shrink(testCase, outcome, c => runner.Run(c), settings.MaxShrinkAttempts, shrinkTime, cancellation);
            failures.Add(Record(settings, runner, seed, i, testCase.Length, shrunk, found));
            if (settings.StopAtFirstFailure) break;
        }
        return new PropertyCampaignResult(runner.Geometry.Name, $"{settings.Variant.Name}/{settings.Variant.Oracle}", ran, operations,
            coverage, failures, clock.Elapsed, stopped);
    }

    /// <summary>The case an FsCheck replay seed stands for, on a subject (the generators must be unchanged).</summary>
    public static TestCase Generate(PropertySubject subject, ReplaySeed seed) => Generate(AllocatorPrograms.Cases(subject), seed);

    private static TestCase Generate(Gen<TestCase> cases, ReplaySeed seed) => cases.Sample(numberOfSamples: 1, seed: seed.ToRnd(), size: seed.Size)[0];

    /// <summary>The replay seed of case <paramref name="caseIndex"/> of a campaign run with <paramref name="settings"/>.</summary>
    public static ReplaySeed CaseSeed(PropertyCampaignSettings settings, int caseIndex)
    {
        ArgumentNullException.ThrowIfNull(settings);
        return ReplaySeed.ForCase(settings.Seed, caseIndex, SizeOf(caseIndex, settings.MaxSize));
    }

    /// <summary>Sizes cycle through 2..max, small first, so the first failures found are already short.</summary>
    private static int SizeOf(int caseIndex, int maxSize) => 2 + caseIndex * 7 % (maxSize - 1);

    private static CampaignFailure Record(PropertyCampaignSettings settings, CaseRunner runner, ReplaySeed seed, int caseIndex,
        int originalLength, ShrinkResult shrunk, TimeSpan found)
    {
        Counterexample counterexample = ToCounterexample(runner, shrunk.Case, shrunk.Outcome, seed.ToString(),
            $"found by case {caseIndex} of a campaign seeded {settings.Seed}; shrunk from {originalLength} operations") with
            {
                ShrinkingIncomplete = !shrunk.Complete,
            };
        string? path = null;
        if (settings.CounterexampleDirectory is { } directory)
        {
            string backend = settings.Simulated is null ? "" : "-simulated";
            string name = $"{Sanitize(settings.Variant.Name)}-{runner.Geometry.Name}-{settings.Variant.Oracle}{backend}-seed{settings.Seed}-case{caseIndex}.json";
            path = Path.Combine(directory, name);
            CounterexampleFile.Write(path, counterexample);
        }
        return new CampaignFailure(counterexample, seed, caseIndex, originalLength, shrunk, found, path);
    }

    /// <summary>The file form of a run (also used to write regression cases).</summary>
    public static Counterexample ToCounterexample(CaseRunner runner, TestCase testCase, RunOutcome outcome, string? replaySeed, string? note) =>
        new()
        {
            Geometry = PropertyGeometries.ToModel(runner.Geometry),
            Oracle = runner.Variant.Oracle.ToString(),
            Variant = runner.Variant.Name,
            ReplaySeed = replaySeed,
            ArenaHeadOffsets = testCase.ArenaHeadOffsets,
            Simulated = testCase.Layout?.ToSpec(),
            Operations = testCase.Operations,
            GarbageValues = outcome.Garbage,
            Failure = outcome.Failure,
            Program = [.. ProgramPrinter.Lines(testCase.Operations)],
            Note = note,
        };

    private static string Sanitize(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c == '-' ? c : '_'));
}
