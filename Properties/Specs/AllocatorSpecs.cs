using System.Collections.Concurrent;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using PymallocVerify.Model;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Specs;

/// <summary>
/// The properties, defined once (docs/properties.md): on every program, run on a fresh heap and checked step by step
/// against the reference model, (1) every ownership answer agrees with the three-valued spec under every garbage
/// class, (2) frees and reallocs reach the right allocator, (3) blocks never overlap and keep their contents, (4) the
/// heap's and the oracle's invariants hold after every mutation and the teardown returns every arena, and (on the
/// simulated space) memcheck stays clean. The xunit <c>[Property]</c> tests and the CLI campaign both judge programs
/// here. A run checks every family at once and stops at the first divergence, so property (n) on a program is "no
/// failure of family n"; <see cref="Everything"/> is all of them.
/// </summary>
public static class AllocatorSpecs
{
    public static Property Ownership<T>(AllocatorProgram<T> p) where T : IPropertySubject => Holds(p, PropertyFamily.Ownership);
    public static Property Routing<T>(AllocatorProgram<T> p) where T : IPropertySubject => Holds(p, PropertyFamily.Routing);
    public static Property Blocks<T>(AllocatorProgram<T> p) where T : IPropertySubject => Holds(p, PropertyFamily.Blocks);
    public static Property Invariants<T>(AllocatorProgram<T> p) where T : IPropertySubject => Holds(p, PropertyFamily.Invariants);
    public static Property Memcheck<T>(AllocatorProgram<T> p) where T : IPropertySubject => Holds(p, PropertyFamily.Memcheck);
    public static Property Everything<T>(AllocatorProgram<T> p) where T : IPropertySubject => Holds(p, family: null);

    /// <summary>
    /// Property <paramref name="family"/> (null: all) on one program, as FsCheck reports it: the label carries the
    /// report and the counterexample file, rewritten on every failing shrink step so that it ends as the shrunk one.
    /// </summary>
    public static Property Holds<T>(AllocatorProgram<T> program, PropertyFamily? family) where T : IPropertySubject
    {
        ProgramVerdict verdict = Judge(T.Subject, program.Case, family, ArtifactPaths.CounterexampleDirectory(), remember: true);
        return verdict.Holds.Label(verdict.Report ?? "");
    }

    // Programs already run, per subject: the per-family properties of one subject draw the same programs from the
    // same seed, so each program runs once. Bounded: a long campaign does not keep every outcome.
    private const int RememberedRuns = 20_000;
    private static readonly ConcurrentDictionary<(string Subject, string Program), RunOutcome> Runs = new();

    /// <summary>Runs <paramref name="testCase"/> on <paramref name="subject"/> (once per program) and judges it.</summary>
    /// <param name="counterexampleDirectory">Where a failing program is written (null: not written).</param>
    /// <param name="remember">Keep the outcome for the subject's other properties (the xunit properties share runs).</param>
    public static ProgramVerdict Judge(PropertySubject subject, TestCase testCase, PropertyFamily? family, string? counterexampleDirectory,
        bool remember = false)
    {
        RunOutcome outcome = remember ? Run(subject, testCase) : subject.Runner.Run(testCase);
        bool holds = outcome.Failure is not { } failure || (family is { } f && failure.Family != f);
        if (holds) return new ProgramVerdict(true, outcome, null, null);

        string? path = null;
        if (counterexampleDirectory is not null)
        {
            string name = $"property-{subject.Name}-{(family?.ToString() ?? "all").ToLowerInvariant()}.json";
            path = Path.Combine(counterexampleDirectory, name);
            CounterexampleFile.Write(path, PropertyCampaign.ToCounterexample(subject.Runner, testCase, outcome, replaySeed: null,
                $"property {family?.ToString() ?? "all"} on {subject.Name}"));
        }
        return new ProgramVerdict(false, outcome, Report(subject, testCase, outcome.Failure!, path), path);
    }

    private static RunOutcome Run(PropertySubject subject, TestCase testCase)
    {
        var key = (subject.Name, ProgramKey(testCase));
        if (Runs.TryGetValue(key, out RunOutcome? known)) return known;
        RunOutcome outcome = subject.Runner.Run(testCase);
        if (Runs.Count >= RememberedRuns) Runs.Clear();
        Runs[key] = outcome;
        return outcome;
    }

    private static string ProgramKey(TestCase c) =>
        $"{string.Join(";", c.Operations)}|{string.Join(",", c.ArenaHeadOffsets)}|{c.Layout?.Seed}";

    private static string Report(PropertySubject subject, TestCase testCase, FailureRecord f, string? path)
    {
        var text = new StringBuilder();
        text.Append($"{f.Family} fails on {subject.Name} ({subject.Variant.Name}/{subject.Variant.Oracle}), {testCase}\n");
        text.Append(ProgramPrinter.Print(testCase.Operations, i => i == f.Step ? "<-- fails here" : null));
        if (f.Step >= testCase.Operations.Length) text.Append("     (fails in the teardown: free everything, then dispose)\n");
        text.Append($"  {f.Message}\n  expected: {f.Expected}\n  observed: {f.Observed}\n");
        if (path is not null) text.Append($"  counterexample: {path}\n  reproduce with: dotnet run --project Cli -- replay {path}\n");
        return text.ToString();
    }
}
