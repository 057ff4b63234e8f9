using System.Text;
using PymallocVerify.Allocator;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Teeth;

namespace PymallocVerify.Properties;

/// <summary>One replayed step.</summary>
public sealed record ReplayStep(int Step, string Operation, VerdictKind Verdict, string Expected, string Observed, bool Teardown);

/// <summary>What a replay did: the program, each step's expected and observed result, and whether it passed.</summary>
/// <param name="Library">For a file found on libpython: the library file it was replayed on, and where it was found.</param>
public sealed record CounterexampleReplayReport(Counterexample Counterexample, string VariantName, IReadOnlyList<ReplayStep> Steps, FailureRecord? Failure,
                                                string? Library = null)
{
    public bool Passed => Failure is null;

    /// <summary>Program, then one line per step; ends with PASS or FAIL and the failure.</summary>
    public string Format()
    {
        Counterexample c = Counterexample;
        var text = new StringBuilder();
        text.Append($"counterexample: geometry {c.Geometry}, oracle {c.Oracle}, found on variant {c.Variant}, replayed on {VariantName}\n");
        if (Library is not null) text.Append($"libpython: {Library}\n");
        if (c.ReplaySeed is not null) text.Append($"FsCheck replay seed: {c.ReplaySeed}\n");
        text.Append(ProgramPrinter.Print(c.Operations));
        text.Append("steps:\n");
        foreach (ReplayStep s in Steps)
        {
            string what = s.Teardown ? $"(teardown) {s.Operation}" : s.Operation;
            text.Append($"{s.Step + 1,3}: {what}\n       expected {s.Expected}; observed {s.Observed} -> {s.Verdict.ToString().ToUpperInvariant()}\n");
        }
        text.Append(Passed ? "PASS\n" : $"FAIL at step {Failure!.Step + 1} [{Failure.Family}]: {Failure.Message}\n");
        return text.ToString();
    }
}

/// <summary>
/// Re-runs a saved counterexample. By default on the real allocator with the file's oracle (so a fixed bug shows
/// PASS); optionally on a named variant, e.g. the seeded bug it was found on. The CLI's <c>replay</c> wraps this.
/// </summary>
public static class CounterexampleReplayer
{
    /// <exception cref="CounterexampleFormatException">The file is missing, malformed or from a newer version.</exception>
    /// <exception cref="ArgumentException">Unknown oracle or variant name.</exception>
    public static CounterexampleReplayReport Replay(string path, string? variant = null) => Replay(CounterexampleFile.Read(path), variant);

    /// <param name="libraries">libpython files for a file found on libpython (the CLI's <c>--libpython</c>); refused for any other file.</param>
    public static CounterexampleReplayReport Replay(Counterexample counterexample, string? variant = null, IReadOnlyList<string>? libraries = null)
    {
        ArgumentNullException.ThrowIfNull(counterexample);
        if (counterexample.CPython is not null) return CPython.CPythonReplayer.Replay(counterexample, variant, libraries); // found on libpython: replay there
        if (libraries is { Count: > 0 })
            throw new ArgumentException("--libpython applies to a counterexample found on libpython (with a \"cpython\" section); this one was found on the port");
        OracleKind oracle = ParseOracle(counterexample.Oracle);
        HeapVariant heap = ResolveVariant(variant ?? HeapVariant.RealName, oracle);
        Geometry geometry = PropertyGeometries.FromModel(counterexample.Geometry);
        var runner = new CaseRunner(geometry, heap);
        var testCase = new TestCase(counterexample.Operations,
            counterexample.ArenaHeadOffsets.IsDefaultOrEmpty ? [0] : counterexample.ArenaHeadOffsets)
        {
            Layout = counterexample.Simulated is { } spec ? SimulatedLayout.FromSpec(spec) : null,
        };
        RunOutcome outcome = runner.Run(testCase);
        IReadOnlyList<string> lines = ProgramPrinter.Lines(counterexample.Operations);
        var steps = outcome.Trace.Select(t => new ReplayStep(t.Step,
            t.Teardown ? ProgramPrinter.OperationName(t.Operation) : lines[t.Step],
            t.Verdict.Kind, t.Verdict.Expected, t.Verdict.Observed, t.Teardown)).ToList();
        return new CounterexampleReplayReport(counterexample, heap.Name, steps, outcome.Failure);
    }

    public static OracleKind ParseOracle(string name) =>
        Enum.TryParse(name, ignoreCase: true, out OracleKind kind) && Enum.IsDefined(kind)
            ? kind
            : throw new ArgumentException($"unknown oracle '{name}'; expected one of: {string.Join(", ", Enum.GetNames<OracleKind>())}");

    /// <summary>
    /// "real" (the production allocator with <paramref name="oracle"/>), "differential" (classic and radix side by side)
    /// or a seeded bug's name from <see cref="TeethCatalog"/>.
    /// </summary>
    public static HeapVariant ResolveVariant(string name, OracleKind oracle) =>
        string.Equals(name, HeapVariant.RealName, StringComparison.OrdinalIgnoreCase) ? HeapVariant.Real(oracle)
        : string.Equals(name, HeapVariant.DifferentialName, StringComparison.OrdinalIgnoreCase) ? HeapVariant.Differential
        : TeethCatalog.Find(name).Variant;
}
