using System.Text;
using PymallocVerify.Model;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Shrinking;

namespace PymallocVerify.Properties.CPython;

/// <summary>One failure of a CPython campaign, shrunk and (optionally) saved.</summary>
public sealed record CPythonFailure(Counterexample Counterexample, ReplaySeed ReplaySeed, int CaseIndex, int OriginalLength,
    ShrinkResult Shrink, string? FilePath)
{
    public FailureRecord Failure => Shrink.Outcome.Failure!;

    /// <summary>The shrunk program with the failing step marked, what differed, and where the file went.</summary>
    public string Report()
    {
        FailureRecord f = Failure;
        var text = new StringBuilder();
        text.Append($"{Counterexample.CPython} failed: {f.Family}\n");
        text.Append($"  case {CaseIndex}, FsCheck replay seed {ReplaySeed}, shrunk from {OriginalLength} to {Shrink.Case.Length} operations\n");
        text.Append(ProgramPrinter.Print(Counterexample.Operations, i => i == f.Step ? "<-- fails here" : null));
        if (f.Step >= Counterexample.Operations.Length) text.Append("     (fails in the teardown: free everything)\n");
        text.Append($"  {f.Message}\n  expected: {f.Expected}\n  observed: {f.Observed}\n");
        if (FilePath is not null) text.Append($"  written to {FilePath}\n");
        return text.ToString();
    }
}

/// <summary>The outcome of <see cref="CPythonCampaign.Run"/>.</summary>
public sealed record CPythonCampaignResult(string Subject, int Cases, CPythonRunCounters Counters, CoverageTable Coverage,
    IReadOnlyList<CPythonFailure> Failures, TimeSpan Elapsed)
{
    public bool Passed => Failures.Count == 0;

    public string Summary() =>
        $"{Subject}: {Cases} cases, {Counters}, {Failures.Count} failure(s) in {Elapsed.TotalSeconds:F1} s";
}
