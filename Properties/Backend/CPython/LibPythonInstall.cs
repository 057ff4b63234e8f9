namespace PymallocVerify.Properties.Backend.CPython;

/// <summary>
/// One libpython shared library found on this machine: its minor version ("3.11"), its path, and where it was found
/// ("explicit", "pyenv 3.11.7", "system").
/// </summary>
public sealed record LibPythonInstall(string Version, string Path, string Origin)
{
    public override string ToString() => $"CPython {Version} ({Origin}: {Path})";
}
