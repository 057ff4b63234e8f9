using System.Reflection;
using PymallocVerify.Properties.Backend.CPython;
using PymallocVerify.Properties.CPython;
using Xunit.Sdk;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// One theory row per CPython version: the version string, or the row is skipped — with the reason — when no libpython of
/// that version is installed (never reported as passing). Put one attribute per version on a theory.
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class InstalledCPythonAttribute : DataAttribute
{
    private readonly string _version;

    public InstalledCPythonAttribute(string version)
    {
        _version = version;
        if (CPythonTestSupport.Install(version) is null) Skip = CPythonTestSupport.WhyMissing(version);
    }

    public override IEnumerable<object[]> GetData(MethodInfo testMethod) => [[_version]];
}

/// <summary>Where the CPython tests find their libpythons and write their counterexamples.</summary>
public static class CPythonTestSupport
{
    /// <summary>The one campaign seed of the CPython tests.</summary>
    public const ulong Seed = 20261207;

    public static LibPythonInstall? Install(string version) => LibPythonLocator.Find(version, out _);

    public static string WhyMissing(string version)
    {
        LibPythonLocator.Find(version, out string why);
        return why;
    }

    public static LibPythonInstall Require(string version) =>
        Install(version) ?? throw new InvalidOperationException(WhyMissing(version));

    public static CPythonCampaignSettings Settings(string version, int cases) => new()
    {
        Preset = CPythonPreset.FromVersion(version),
        Install = Require(version),
        Seed = Seed,
        Cases = Effort.Scale(cases),
        CounterexampleDirectory = Path.Combine(ArtifactPaths.CounterexampleDirectory(), "cpython-tests"),
    };
}
