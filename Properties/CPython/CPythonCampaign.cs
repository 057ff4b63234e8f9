using System.Diagnostics;
using FsCheck;
using FsCheck.Fluent;
using PymallocVerify.Model;
using PymallocVerify.Properties.Generation;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Shrinking;

namespace PymallocVerify.Properties.CPython;

/// <summary>
/// Generates cases with the properties' generators (the same operation language and weights), runs each on libpython
/// (and the port, for a differential), shrinks the first failure with <see cref="CaseShrinker"/> and saves it.
/// </summary>
public static class CPythonCampaign
{
    public static CPythonCampaignResult Run(CPythonCampaignSettings settings, CancellationToken cancellation = default)
    {
        ArgumentNullException.ThrowIfNull(settings);
        settings.Validate();
        var runner = new CPythonCaseRunner(settings.Preset, settings.Install, settings.Port, settings.Spec);
        Gen<TestCase> cases = CaseGenerators.Cases(settings.Preset.Geometry, settings.ChurnPercent);
        var counters = new CPythonRunCounters();
        var coverage = new CoverageTable();
        var failures = new List<CPythonFailure>();
        var clock = Stopwatch.StartNew();
        int ran = 0;
        for (int i = 0; i < settings.Cases; i++)
        {
            if (cancellation.IsCancellationRequested || (settings.Budget is { } b && clock.Elapsed >= b)) break;
            ReplaySeed seed = ReplaySeed.ForCase(settings.Seed, i, 2 + i * 7 % (settings.MaxSize - 1));
            TestCase testCase = Generate(cases, seed) with { Layout = CPythonLayouts.ForCase(settings.Seed, i, settings.PlacementPercent) };
            CPythonRunResult result = runner.RunDetailed(testCase);
            ran++;
            counters.Add(result.Counters);
            coverage.Add(result.Outcome.Coverage);
            if (!result.Outcome.Failed) continue;

            ShrinkResult shrunk = CaseShrinker.Shrink(testCase, result.Outcome, runner.Run, settings.MaxShrinkAttempts, cancellation: cancellation);
            failures.Add(Record(settings, runner, seed, i, testCase.Length, shrunk));
            if (settings.StopAtFirstFailure) break;
        }
        return new CPythonCampaignResult(Subject(runner), ran, counters, coverage, failures, clock.Elapsed);
    }

    /// <summary>The case a replay seed stands for (the generators must be unchanged); its layout is not part of the seed.</summary>
    public static TestCase Generate(CPythonPreset preset, int churnPercent, ReplaySeed seed) =>
        Generate(CaseGenerators.Cases(preset.Geometry, churnPercent), seed);

    private static TestCase Generate(Gen<TestCase> cases, ReplaySeed seed) =>
        cases.Sample(numberOfSamples: 1, seed: seed.ToRnd(), size: seed.Size)[0];

    public static string Subject(CPythonCaseRunner runner) =>
        ToSubject(runner).ToString() + (runner.Spec == OwnershipSpecVariant.Model ? "" : $" (spec {runner.Spec.Name})");

    private static CPythonSubject ToSubject(CPythonCaseRunner runner, TestCase? testCase = null) =>
        new(runner.Preset.Version, runner.Port?.Name, runner.Spec.Name, testCase?.Layout?.ToSpec(), runner.Install.Path);

    private static CPythonFailure Record(CPythonCampaignSettings settings, CPythonCaseRunner runner, ReplaySeed seed, int caseIndex,
        int originalLength, ShrinkResult shrunk)
    {
        Counterexample counterexample = ToCounterexample(runner, shrunk.Case, shrunk.Outcome, seed.ToString(),
            $"found by case {caseIndex} of a CPython {settings.Preset.Version} campaign seeded {settings.Seed}; shrunk from {originalLength} operations");
        string? path = null;
        if (settings.CounterexampleDirectory is { } directory)
        {
            string against = runner.Port is null ? "model" : runner.Port.Name;
            path = Path.Combine(directory, $"cpython{settings.Preset.Version}-{against}-{runner.Spec.Name}-seed{settings.Seed}-case{caseIndex}.json");
            CounterexampleFile.Write(path, counterexample);
        }
        return new CPythonFailure(counterexample, seed, caseIndex, originalLength, shrunk, path);
    }

    /// <summary>What the run is checked on, as replay names it: a seeded spec or port variant, "port", or "real" (the model only).</summary>
    public static string VariantName(CPythonCaseRunner runner) =>
        runner.Spec != OwnershipSpecVariant.Model ? runner.Spec.Name : runner.Port?.Name ?? "real";

    /// <summary>The file form of a CPython run: the model's format plus the <see cref="CPythonSubject"/> that says where it runs.</summary>
    public static Counterexample ToCounterexample(CPythonCaseRunner runner, TestCase testCase, RunOutcome outcome, string? replaySeed, string? note) =>
        new()
        {
            Geometry = PropertyGeometries.ToModel(runner.Preset.Geometry),
            Oracle = runner.Preset.Oracle.ToString(),
            Variant = VariantName(runner),
            ReplaySeed = replaySeed,
            ArenaHeadOffsets = testCase.ArenaHeadOffsets.IsDefaultOrEmpty ? [0] : testCase.ArenaHeadOffsets,
            CPython = ToSubject(runner, testCase),
            Operations = testCase.Operations,
            GarbageValues = outcome.Garbage,
            Failure = outcome.Failure,
            Program = [.. ProgramPrinter.Lines(testCase.Operations)],
            Note = note,
        };
}
