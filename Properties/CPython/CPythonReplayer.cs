using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Backend.CPython;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.CPython;

/// <summary>
/// Re-runs a counterexample file found on libpython (one with a <see cref="CPythonSubject"/>) on an installed libpython of
/// the file's version, against the model — and, for a differential, against the faithful port — like the port's files:
/// a fixed bug shows PASS. <c>variant</c> names a seeded bug to replay on instead (a <see cref="PortVariant"/> or an
/// <see cref="OwnershipSpecVariant"/>), e.g. the one the file was found on.
/// </summary>
public static class CPythonReplayer
{
    /// <param name="libraries">libpython files to use first (the CLI's <c>--libpython</c>, as in <c>check</c>); one must be of the file's version.</param>
    /// <exception cref="ArgumentException">No libpython of that version is installed, a named library is missing or of
    /// another version only, or an unknown variant.</exception>
    public static CounterexampleReplayReport Replay(Counterexample counterexample, string? variant = null, IReadOnlyList<string>? libraries = null)
    {
        ArgumentNullException.ThrowIfNull(counterexample);
        CPythonSubject subject = counterexample.CPython
            ?? throw new ArgumentException("the file was not found on libpython (it has no \"cpython\" section)");
        CPythonPreset preset = CPythonPreset.FromVersion(subject.Version);
        PortVariant? port = subject.Port is null ? null : PortVariant.Faithful;
        OwnershipSpecVariant spec = OwnershipSpecVariant.Model;
        if (variant is not null && variant != "real")
        {
            if (OwnershipSpecVariant.SeededBugs.FirstOrDefault(s => s.Name == variant) is { } broken) spec = broken;
            else port = PortVariant.FromName(variant);
        }
        LibPythonInstall install = FindInstall(subject, libraries);
        var runner = new CPythonCaseRunner(preset, install, port, spec);
        var testCase = new TestCase(counterexample.Operations, counterexample.ArenaHeadOffsets.IsDefaultOrEmpty ? [0] : counterexample.ArenaHeadOffsets)
        {
            Layout = subject.Placement is { } placement ? SimulatedLayout.FromSpec(placement) : null,
        };
        RunOutcome outcome = runner.Run(testCase);
        IReadOnlyList<string> lines = ProgramPrinter.Lines(counterexample.Operations);
        var steps = outcome.Trace.Select(t => new ReplayStep(t.Step,
            t.Teardown ? ProgramPrinter.OperationName(t.Operation) : lines[t.Step],
            t.Verdict.Kind, t.Verdict.Expected, t.Verdict.Observed, t.Teardown)).ToList();
        return new CounterexampleReplayReport(counterexample, CPythonCampaign.VariantName(runner), steps, outcome.Failure,
            $"{install.Path} ({install.Origin})");
    }

    /// <summary>An installed libpython of the subject's version: explicit paths first, then the recorded library, then the usual places.</summary>
    private static LibPythonInstall FindInstall(CPythonSubject subject, IReadOnlyList<string>? libraries)
    {
        List<string> candidates = [.. libraries ?? []];
        // Named libraries of other versions would be passed over in silence, and the replay would run on another file.
        if (candidates.Count > 0 && !candidates.Any(path => LibPythonLocator.VersionOf(path) == subject.Version))
            throw new ArgumentException($"--libpython names no libpython{subject.Version} ({string.Join(", ", candidates)}), " +
                                        $"but the file was found on CPython {subject.Version}");
        if (subject.Library is { } recorded && File.Exists(recorded) && LibPythonLocator.VersionOf(recorded) == subject.Version)
            candidates.Add(recorded);
        return LibPythonLocator.Find(subject.Version, out string why, candidates)
               ?? throw new ArgumentException($"cannot replay on CPython {subject.Version}: {why}");
    }
}
