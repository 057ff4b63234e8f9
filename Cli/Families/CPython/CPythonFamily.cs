using PymallocVerify.Allocator;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Options;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend.CPython;
using PymallocVerify.Properties.CPython;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Families.CPython;

/// <summary>Which CPython versions the family runs, and libpython files to use before any found on the machine.</summary>
/// <param name="Versions">Minor versions ("3.9"); empty: every preset (3.8–3.11).</param>
/// <param name="Libraries">Explicit libpython files (<c>--libpython</c>), preferred for their version.</param>
public sealed record CPythonSelection(IReadOnlyList<string> Versions, IReadOnlyList<string> Libraries)
{
    public static CPythonSelection Everything { get; } = new([], []);
}

/// <summary>
/// The real thing under test: the same generated programs on each installed CPython's pymalloc (libpython, a fresh
/// allocator per program), every step checked against the model and compared with the port configured as that version,
/// address for address. One configuration per version, labelled with the minor version (<c>cpython3.9/classic</c>): the
/// label is part of every case's seed, so a seed checks the same programs with any patch release of that version
/// (<see cref="LoadedLibraries"/> says which file and release ran). A version that is not installed
/// (or cannot be driven), or whose geometry (3.8/3.9 classic, 3.10/3.11 modern) or oracle is not selected, is skipped with
/// the reason. One CLI case = a campaign of <see cref="CasesPerRun"/> programs.
/// </summary>
public sealed class CPythonFamily(CPythonSelection? selection = null, int casesPerRun = CPythonFamily.DefaultCasesPerRun) : CaseListFamily
{
    public const string FamilyName = "cpython";
    public const int DefaultCasesPerRun = 25;

    public int CasesPerRun => casesPerRun;
    private const string GeometryPrefix = "cpython";

    private readonly CPythonSelection _selection = selection ?? CPythonSelection.Everything;

    public override string Name => FamilyName;

    public override string Description =>
        $"libpython 3.8-3.11 against the model and the port, address for address: {casesPerRun} generated programs per case";

    /// <summary>This family with other versions or libraries (the <c>--cpython</c> and <c>--libpython</c> options).</summary>
    public CPythonFamily With(CPythonSelection other) => new(other, casesPerRun);

    public override bool Runs(SeededBug bug) => bug is CPythonBug;

    public override IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection) =>
        [.. Streams(selection).Select(s => new FamilyConfiguration(s.Preset.Geometry with { Name = GeometryPrefix + s.Preset.Version },
            s.Preset.Oracle, s.Skip))];

    /// <summary>
    /// One line per runnable stream: the library file it loads and the release that file reports
    /// (<c>cpython3.9/classic: CPython 3.9.18 from /root/.pyenv/versions/3.9.18/lib/libpython3.9.so.1.0 (pyenv 3.9.18)</c>).
    /// </summary>
    public IReadOnlyList<string> LoadedLibraries(CampaignSelection selection) =>
        [.. Streams(selection).Where(s => s.Skip is null).Select(s =>
            $"{FamilyName}{s.Preset.Version}/{OracleNames.Of(s.Preset.Oracle)}: CPython {s.Release} from {s.Install!.Path} ({s.Install.Origin})")];

    /// <summary>A version's stream: its preset, the library found for it and the release it reports, or why it is skipped.</summary>
    private sealed record VersionStream(CPythonPreset Preset, LibPythonInstall? Install, string? Release, string? Skip);

    private List<VersionStream> Streams(CampaignSelection selection)
    {
        IReadOnlyList<LibPythonInstall> installs;
        try
        {
            installs = LibPythonLocator.FindAll(_selection.Libraries);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"--libpython: {e.Message}");
        }
        var list = new List<VersionStream>();
        foreach (CPythonPreset preset in Presets())
        {
            LibPythonInstall? install = installs.FirstOrDefault(i => i.Version == preset.Version);
            string? skip = install is null ? NotInstalled(preset.Version) : LibPythonImage.UnsupportedReason(preset.Version);
            if (skip is null && !selection.Geometries.Any(g => g.Name == preset.Geometry.Name))
                skip = $"CPython {preset.Version} runs the {preset.Geometry.Name} geometry, which is not selected";
            if (skip is null && !selection.Oracles.Contains(preset.Oracle))
                skip = $"CPython {preset.Version} decides with the {OracleNames.Of(preset.Oracle)} oracle, which is not selected";
            if (skip is null && selection.SeededBug?.RequiredOracle is { } needed && needed != preset.Oracle)
                skip = $"seeded bug {selection.SeededBug.Name} needs the {OracleNames.Of(needed)} oracle; CPython {preset.Version} decides with the {OracleNames.Of(preset.Oracle)} one";
            string? release = null;
            if (skip is null) (release, skip) = LoadedVersion(install!);
            list.Add(new VersionStream(preset, install, release, skip));
        }
        return list;
    }

    /// <summary>
    /// The release the library really is, from a loaded copy's <c>Py_GetVersion()</c> ("3.9.18"), for
    /// <see cref="LoadedLibraries"/>. A library that cannot be loaded is a skip with the reason. The copy stays in the pool
    /// for the run.
    /// </summary>
    private static (string Version, string? Skip) LoadedVersion(LibPythonInstall install)
    {
        try
        {
            LibPythonImage image = LibPythonImagePool.Rent(install);
            LibPythonImagePool.Return(image);
            string patch = image.Banner.Split(' ', 2)[0];
            return (patch.StartsWith(install.Version + ".", StringComparison.Ordinal) ? patch : install.Version, null);
        }
        catch (Exception e) when (e is IOException or DllNotFoundException or EntryPointNotFoundException or InvalidDataException
                                      or InvalidOperationException or BadImageFormatException)
        {
            return (install.Version, $"{install.Path} cannot be driven: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>"3.9" from a configuration's geometry name ("cpython3.9").</summary>
    private static string MinorVersionOf(FamilyConfiguration configuration) => configuration.Geometry.Name[GeometryPrefix.Length..];

    // Low and near-2^64 addresses are never asked of libpython: its read of their pool header could fault.
    public override Coverage NewCoverage(FamilyConfiguration configuration) => new(
        configuration.Oracle == OracleKind.PoolIndex ? Enum.GetNames<GarbageClass>() : [],
        Enum.GetValues<AddressKind>().Where(k => k is not (AddressKind.Low or AddressKind.NearTop)).Select(k => k.ToString()));

    protected override CaseOutcome RunCase(FamilyContext context, CaseSpec spec, Coverage coverage, IProgressReporter progress)
    {
        CPythonPreset preset = CPythonPreset.FromVersion(MinorVersionOf(context.Configuration));
        LibPythonInstall install = LibPythonLocator.Find(preset.Version, out string why, _selection.Libraries)
            ?? throw new InvalidOperationException(why);
        var settings = new CPythonCampaignSettings
        {
            Preset = preset,
            Install = install,
            Seed = spec.Seed,
            Cases = casesPerRun,
            CounterexampleDirectory = context.CounterexampleDirectory,
        };
        if (context.SeededBug is CPythonBug bug)
        {
            settings = bug.Side == CPythonBugSide.Spec
                ? settings with { Spec = OwnershipSpecVariant.SeededBugs.Single(s => s.Name == bug.Name) }
                : settings with { Port = PortVariant.FromName(bug.Name) };
        }
        CPythonCampaignResult result = CPythonCampaign.Run(settings, context.Stop);
        progress.Advance(result.Counters.Operations);
        coverage.Record(result.Coverage);
        if (result.Failures.FirstOrDefault() is not { } failure)
            return new CaseOutcome(result.Counters.Operations, null, Completed: !context.Stop.IsCancellationRequested);

        PymallocVerify.Model.FailureRecord f = failure.Failure;
        return new CaseOutcome(result.Counters.Operations, new StreamFailure(spec.Index, spec.Seed,
            $"{failure.Counterexample.CPython}: {f.Family} at step {f.Step + 1} of the shrunk program: {f.Message}",
            failure.FilePath, failure.Counterexample.Operations.Length, ReplayOptions(context, install)));
    }

    /// <summary>The reproduce line's options: the seeded bug, and the library when <c>--libpython</c> chose it (replay would
    /// otherwise look for one itself).</summary>
    private static string? ReplayOptions(FamilyContext context, LibPythonInstall install)
    {
        string? library = install.Origin == LibPythonLocator.ExplicitOrigin
            ? "--libpython " + (install.Path.Any(char.IsWhiteSpace) ? $"'{install.Path}'" : install.Path)
            : null;
        return string.Join(' ', new[] { context.SeededBugReplayOption, library }.Where(o => o is not null)) is { Length: > 0 } options ? options : null;
    }

    private IEnumerable<CPythonPreset> Presets() =>
        _selection.Versions.Count == 0 ? CPythonPreset.All : _selection.Versions.Select(CPythonPreset.FromVersion);

    private string NotInstalled(string version)
    {
        LibPythonLocator.Find(version, out string why, _selection.Libraries);
        return $"not installed: {why}";
    }

    /// <summary>Parses <c>--cpython</c>: "all" or a comma list of preset versions.</summary>
    public static bool TryParseVersions(string? text, out IReadOnlyList<string> versions, out string? error)
    {
        versions = [];
        error = null;
        if (string.IsNullOrWhiteSpace(text) || text.Trim() == "all") return true;
        var list = new List<string>();
        foreach (string v in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!CPythonPreset.All.Any(p => p.Version == v))
            {
                error = $"--cpython '{v}' is not a version the port has a preset for; expected all or some of: {string.Join(", ", CPythonPreset.All.Select(p => p.Version))}";
                return false;
            }
            if (!list.Contains(v)) list.Add(v);
        }
        versions = list;
        return true;
    }
}
