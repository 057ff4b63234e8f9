using System.Text.RegularExpressions;

namespace PymallocVerify.Properties.Backend.CPython;

/// <summary>
/// Finds libpython shared libraries: explicit paths first (<c>--libpython</c>; a missing one is an error), then those in
/// <see cref="EnvironmentVariable"/> (missing ones are passed over), then pyenv's builds (<c>$PYENV_ROOT/versions/*/lib</c>;
/// <c>~/.pyenv</c> only when PYENV_ROOT is unset), then the system's
/// (<c>/usr/lib/x86_64-linux-gnu</c> and friends, e.g. Debian's <c>libpython3.11</c> package). For each minor version
/// the first one found wins, in that order.
/// </summary>
public static partial class LibPythonLocator
{
    /// <summary>Paths of libpython files to use before any other, separated by ':' (like PATH).</summary>
    public const string EnvironmentVariable = "PMV_LIBPYTHON";

    /// <summary><see cref="LibPythonInstall.Origin"/> of a file named explicitly (<c>--libpython</c>).</summary>
    public const string ExplicitOrigin = "explicit";

    private static readonly string[] SystemDirectories =
        ["/usr/lib/x86_64-linux-gnu", "/usr/lib64", "/usr/lib", "/usr/local/lib", "/lib/x86_64-linux-gnu"];

    [GeneratedRegex(@"^libpython(?<major>\d)\.(?<minor>\d+)m?\.so(\.1(\.0)?)?$")]
    private static partial Regex LibraryName();

    /// <summary>The minor version a file name stands for ("3.11" for libpython3.11.so.1.0), or null.</summary>
    public static string? VersionOf(string path)
    {
        Match m = LibraryName().Match(System.IO.Path.GetFileName(path));
        return m.Success ? $"{m.Groups["major"].Value}.{m.Groups["minor"].Value}" : null;
    }

    /// <summary>Every install found, one per minor version, in order of preference (explicit, pyenv, system).</summary>
    /// <param name="explicitPaths">Files to use first; a file whose name does not say its version is refused.</param>
    public static IReadOnlyList<LibPythonInstall> FindAll(IEnumerable<string>? explicitPaths = null)
    {
        var found = new Dictionary<string, LibPythonInstall>();
        void Add(string path, string origin)
        {
            if (!File.Exists(path) || VersionOf(path) is not { } version || found.ContainsKey(version)) return;
            // libpython3.X.so is usually a link to libpython3.X.so.1.0: report the file itself.
            string file = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? System.IO.Path.GetFullPath(path);
            found[version] = new LibPythonInstall(version, file, origin);
        }

        foreach (string path in explicitPaths ?? [])
        {
            if (!File.Exists(path)) throw new ArgumentException($"libpython '{path}' does not exist");
            if (VersionOf(path) is null)
                throw new ArgumentException($"'{path}' is not named like a libpython (libpython3.X.so[.1.0]): its version cannot be told");
            Add(path, ExplicitOrigin);
        }
        // The environment is ambient configuration (CI sets it for every job): a file that is not there is passed over.
        foreach (string path in EnvironmentPaths())
            if (VersionOf(path) is not null) Add(path, $"${EnvironmentVariable}");
        foreach (string root in PyenvRoots())
        {
            string versions = System.IO.Path.Combine(root, "versions");
            if (!Directory.Exists(versions)) continue;
            foreach (string dir in Directory.GetDirectories(versions).OrderByDescending(d => d, StringComparer.Ordinal))
            {
                string lib = System.IO.Path.Combine(dir, "lib");
                if (!Directory.Exists(lib)) continue;
                foreach (string file in Directory.GetFiles(lib, "libpython*.so*").Order(StringComparer.Ordinal))
                    Add(file, $"pyenv {System.IO.Path.GetFileName(dir)}");
            }
        }
        foreach (string dir in SystemDirectories)
        {
            if (!Directory.Exists(dir)) continue;
            foreach (string file in Directory.GetFiles(dir, "libpython*.so*").Order(StringComparer.Ordinal))
                Add(file, "system");
        }
        return [.. found.Values.OrderBy(i => Version.Parse(i.Version))];
    }

    /// <summary>The install for <paramref name="version"/> ("3.9"), or null with the reason in <paramref name="why"/>.</summary>
    public static LibPythonInstall? Find(string version, out string why, IEnumerable<string>? explicitPaths = null)
    {
        LibPythonInstall? install = FindAll(explicitPaths).FirstOrDefault(i => i.Version == version);
        why = install is null
            ? $"no libpython{version}.so found (looked at ${EnvironmentVariable}, --libpython, {string.Join(", ", PyenvRoots().Select(r => r + "/versions/*/lib"))}, {string.Join(", ", SystemDirectories)})"
            : "";
        return install;
    }

    private static IEnumerable<string> EnvironmentPaths() =>
        Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } paths
            ? paths.Split(':', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            : [];

    /// <summary>$PYENV_ROOT, or ~/.pyenv when it is unset (as pyenv itself reads it): a set PYENV_ROOT hides ~/.pyenv.</summary>
    private static IEnumerable<string> PyenvRoots()
    {
        if (Environment.GetEnvironmentVariable("PYENV_ROOT") is { Length: > 0 } root) return [root];
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return home.Length > 0 ? [System.IO.Path.Combine(home, ".pyenv")] : [];
    }
}
