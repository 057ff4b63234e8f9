using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;
using PymallocVerify.Properties.Backend.CPython;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.CPython;

/// <summary>
/// Re-runs a counterexample file found on libpython (one with a <see cref="CPythonSubject"/>): on an installed libpython of
/// the file's version, against the model, and — for a differential — against the port variant it names (or
/// <c>portVariant</c>, e.g. "port" to see whether the faithful port still differs).
/// </summary>
public static class CPythonReplayer
{
    /// <exception cref="ArgumentException">No libpython of that version is installed, or an unknown port or spec name.</exception>
    public static CounterexampleReplayReport Replay(Counterexample counterexample, string? portVariant = null, IEnumerable<string>? libraries = null)
    {
        ArgumentNullException.ThrowIfNull(counterexample);
        CPythonSubject subject = counterexample.CPython
            ?? throw new ArgumentException("the file was not found on libpython (it has no \"cPython\" section)");
        CPythonPreset preset = CPythonPreset.FromVersion(subject.Version);
        LibPythonInstall install = FindInstall(subject, libraries);
        string? portName = portVariant ?? subject.Port;
        PortVariant? port = portName is null || portName == "real" ? null : PortVariant.FromName(portName);
        OwnershipSpecVariant spec = subject.Spec == OwnershipSpecVariant.Model.Name
            ? OwnershipSpecVariant.Model
            : OwnershipSpecVariant.SeededBugs.FirstOrDefault(s => s.Name == subject.Spec)
              ?? throw new ArgumentException($"unknown ownership spec '{subject.Spec}'");
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
        string on = port is null ? $"CPython {preset.Version} ({install.Path})" : $"CPython {preset.Version} ({install.Path}) and {port.Name}";
        return new CounterexampleReplayReport(counterexample, on, steps, outcome.Failure);
    }

    /// <summary>An installed libpython of the subject's version: explicit paths first, then the recorded library, then the usual places.</summary>
    private static LibPythonInstall FindInstall(CPythonSubject subject, IEnumerable<string>? libraries)
    {
        List<string> candidates = [.. libraries ?? []];
        if (subject.Library is { } recorded && File.Exists(recorded) && LibPythonLocator.VersionOf(recorded) == subject.Version)
            candidates.Add(recorded);
        return LibPythonLocator.Find(subject.Version, out string why, candidates)
               ?? throw new ArgumentException($"cannot replay on CPython {subject.Version}: {why}");
    }
}
