using System.Text;
using PymallocVerify.Model;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Shrinking;

namespace PymallocVerify.Properties;

/// <summary>One failure found by a campaign, shrunk, printed and (optionally) saved.</summary>
public sealed record CampaignFailure(
    Counterexample Counterexample,
    ReplaySeed ReplaySeed,
    int CaseIndex,
    int OriginalLength,
    ShrinkResult Shrink,
    TimeSpan TimeToFind,
    string? FilePath)
{
    public int ShrunkLength => Shrink.Case.Length;

    public FailureRecord Failure => Shrink.Outcome.Failure!;

    /// <summary>The shrunk program with the failing step marked, the replay seed and where the file went.</summary>
    public string Report()
    {
        FailureRecord f = Failure;
        var text = new StringBuilder();
        text.Append($"Property failed: {f.Family} on {Counterexample.Geometry.Name}/{Counterexample.Oracle} (variant {Counterexample.Variant})\n");
        string layout = Counterexample.Simulated is { } sim
            ? $"simulated space (placement seed {sim.Seed})"
            : $"arena head offsets [{string.Join(", ", Counterexample.ArenaHeadOffsets)}]";
        text.Append($"  case {CaseIndex}, FsCheck replay seed {ReplaySeed}, {layout}\n");
        text.Append($"  shrunk from {OriginalLength} to {ShrunkLength} operations ({Shrink.Accepted} of {Shrink.Attempts} candidates accepted)" +
            (Shrink.Complete ? "\n" : $"; shrinking stopped at its budget after {Shrink.Elapsed.TotalSeconds:F1} s, not fully shrunk\n"));
        text.Append(ProgramPrinter.Print(Counterexample.Operations, i => i == f.Step ? "<-- fails here" : null));
        if (f.Step >= Counterexample.Operations.Length) text.Append("     (fails in the teardown: free everything, then dispose)\n");
        text.Append($"  {f.Message}\n  expected: {f.Expected}\n  observed: {f.Observed}\n");
        if (FilePath is not null) text.Append($"  written to {FilePath}\n");
        return text.ToString();
    }
}

/// <summary>The outcome of <see cref="PropertyCampaign.Run"/>.</summary>
public sealed record PropertyCampaignResult(
    string Geometry,
    string Variant,
    int Cases,
    long OperationsChecked,
    CoverageTable Coverage,
    IReadOnlyList<CampaignFailure> Failures,
    TimeSpan Elapsed,
    bool Cancelled)
{
    public bool Passed => Failures.Count == 0;

    public string Summary() =>
        $"{Variant} on {Geometry}: {Cases} cases, {OperationsChecked} operations checked, {Coverage.Queries} queries, " +
        $"{Failures.Count} failure(s) in {Elapsed.TotalSeconds:F1} s{(Cancelled ? " (stopped early)" : "")}";
}
