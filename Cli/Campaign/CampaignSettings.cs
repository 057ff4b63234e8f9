using PymallocVerify.Cli.Options;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Campaign;

/// <summary>Everything that determines what a <c>check</c> run checks (time only decides when it stops).</summary>
public sealed record CampaignSettings
{
    public required ulong Seed { get; init; }
    public Shard Shard { get; init; } = Shard.Whole;
    public required Budget Budget { get; init; }
    public int? MaxCases { get; init; }

    /// <summary><c>--jobs N</c>: how many streams run side by side (default: one per core).</summary>
    public int Jobs { get; init; } = Environment.ProcessorCount;
    public required CampaignSelection Selection { get; init; }
    public required string OutputDirectory { get; init; }
    public SeededBug? SeededBug => Selection.SeededBug;

    public string CounterexampleDirectory => Path.Combine(OutputDirectory, "counterexamples");
}
