using PymallocVerify.Allocator;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Heaps;
using PymallocVerify.Properties.Specs;

namespace PymallocVerify.Properties;

/// <summary>What a property campaign runs: which allocator on which geometry, how many cases, how big, for how long.</summary>
public sealed record PropertyCampaignSettings
{
    public required Geometry Geometry { get; init; }
    public required HeapVariant Variant { get; init; }
    public ulong Seed { get; init; } = 1;

    /// <summary>Cases to run (the campaign also stops when <see cref="Budget"/> runs out or at the first failure).</summary>
    public int Cases { get; init; } = 100;

    /// <summary>The FsCheck size range: a case has between size/2 and size random operations (sizes cycle through 2..MaxSize).</summary>
    public int MaxSize { get; init; } = 60;

    /// <summary>Percent of cases that open with an arena churn episode (fill, spill into a second arena, free all).</summary>
    public int ChurnPercent { get; init; } = 10;

    public TimeSpan? Budget { get; init; }

    public int MaxShrinkAttempts { get; init; } = 10_000;

    /// <summary>The longest one shrink may take (it also stops when <see cref="Budget"/> runs out).</summary>
    public TimeSpan MaxShrinkTime { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Where failing cases are written; null = do not write.</summary>
    public string? CounterexampleDirectory { get; init; } = ArtifactPaths.CounterexampleDirectory();

    public bool StopAtFirstFailure { get; init; } = true;

    /// <summary>Run CheckInvariants() after every step (property 4).</summary>
    public bool CheckInvariantsEveryStep { get; init; } = true;

    /// <summary>
    /// Null: cases run on real memory. Otherwise on the simulated space with memcheck in the loop, placed by this layout
    /// (each case gets its own placement seed, derived from the campaign seed and the case index).
    /// </summary>
    public SimulatedLayout? Simulated { get; init; }

    /// <summary>
    /// The subject these settings run on (named so that no two settings share one by accident). Built on each call, not
    /// cached: a record copy made with <c>with</c> would carry a cached subject of the settings it was copied from.
    /// </summary>
    public PropertySubject ToSubject() => new(
        $"{Variant.Name}-{Geometry.Name}-{Variant.Oracle}{(Simulated is null ? "" : $"-simulated{Simulated.Seed}")}",
        Geometry, Variant, ChurnPercent, Simulated) { CheckInvariantsEveryStep = CheckInvariantsEveryStep };

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Geometry);
        ArgumentNullException.ThrowIfNull(Variant);
        if (Cases < 1) throw new ArgumentException($"a campaign needs at least one case; got {Cases}");
        if (MaxSize < 2) throw new ArgumentException($"max size must be at least 2; got {MaxSize}");
        if (ChurnPercent is < 0 or > 100) throw new ArgumentException($"churn percent must be in 0..100; got {ChurnPercent}");
        if (MaxShrinkAttempts < 0) throw new ArgumentException($"shrink attempts must not be negative; got {MaxShrinkAttempts}");
        if (MaxShrinkTime < TimeSpan.Zero) throw new ArgumentException($"shrink time must not be negative; got {MaxShrinkTime}");
    }
}
