using PymallocVerify.Properties.Backend.CPython;

namespace PymallocVerify.Properties.CPython;

/// <summary>What a CPython campaign runs: which libpython, compared with which port (if any), how many cases, for how long.</summary>
public sealed record CPythonCampaignSettings
{
    public required CPythonPreset Preset { get; init; }
    public required LibPythonInstall Install { get; init; }

    /// <summary>The port compared step for step (default: the faithful one); null runs libpython against the model only.</summary>
    public PortVariant? Port { get; init; } = PortVariant.Faithful;

    public OwnershipSpecVariant Spec { get; init; } = OwnershipSpecVariant.Model;

    public ulong Seed { get; init; } = 1;

    /// <summary>Cases to run (the campaign also stops when <see cref="Budget"/> runs out or at the first failure).</summary>
    public int Cases { get; init; } = 100;

    /// <summary>The FsCheck size range, as for the port's properties: between size/2 and size random operations.</summary>
    public int MaxSize { get; init; } = 80;

    /// <summary>Percent of cases that open with an arena churn episode (fill, spill into a second arena, free all).</summary>
    public int ChurnPercent { get; init; } = 10;

    /// <summary>Percent of cases placed by a placement policy (<see cref="CPythonLayouts"/>); the rest at arena head offsets.</summary>
    public int PlacementPercent { get; init; } = 67;

    public TimeSpan? Budget { get; init; }

    public int MaxShrinkAttempts { get; init; } = 2000;

    /// <summary>Where failing cases are written; null = do not write.</summary>
    public string? CounterexampleDirectory { get; init; } = ArtifactPaths.CounterexampleDirectory();

    public bool StopAtFirstFailure { get; init; } = true;

    public void Validate()
    {
        ArgumentNullException.ThrowIfNull(Preset);
        ArgumentNullException.ThrowIfNull(Install);
        if (Cases < 1) throw new ArgumentException($"a campaign needs at least one case; got {Cases}");
        if (MaxSize < 2) throw new ArgumentException($"max size must be at least 2; got {MaxSize}");
        if (ChurnPercent is < 0 or > 100) throw new ArgumentException($"churn percent must be in 0..100; got {ChurnPercent}");
        if (PlacementPercent is < 0 or > 100) throw new ArgumentException($"placement percent must be in 0..100; got {PlacementPercent}");
    }
}
