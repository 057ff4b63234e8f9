namespace PymallocVerify.Cli.Reporting;

/// <summary>The exact command line that replays a counterexample file, ready to copy into a shell.</summary>
public static class ReplayCommand
{
    /// <summary>
    /// How to start this tool from any directory: <c>dotnet run --project /abs/path/Cli --</c> when it runs from a build
    /// of the repository (the project lies above the binary), else <c>dotnet /abs/path/pymalloc-verify.dll</c>.
    /// </summary>
    public static string Launcher { get; } = FindLauncher(AppContext.BaseDirectory);

    public static string Prefix => $"{Launcher} replay";

    /// <summary>The command, with absolute paths so it works wherever it is pasted.</summary>
    public static string For(string path, string? extraOptions = null) =>
        $"{Prefix} {ShellQuote(Path.GetFullPath(path))}" + (string.IsNullOrEmpty(extraOptions) ? "" : " " + extraOptions);

    public static string FindLauncher(string binaryDirectory)
    {
        for (DirectoryInfo? dir = new(binaryDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cli.csproj"))) return $"dotnet run --project {ShellQuote(dir.FullName)} --";
            if (File.Exists(Path.Combine(dir.FullName, "Cli", "Cli.csproj"))) return $"dotnet run --project {ShellQuote(Path.Combine(dir.FullName, "Cli"))} --";
        }
        return $"dotnet {ShellQuote(Path.Combine(binaryDirectory, "pymalloc-verify.dll"))}";
    }

    /// <summary>Relative to the current directory when the file lies below it (the usual repository root), else absolute.</summary>
    public static string DisplayPath(string path)
    {
        string full = Path.GetFullPath(path);
        string relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? full : relative;
    }

    /// <summary>POSIX single quotes when the path holds anything a shell would split or expand.</summary>
    public static string ShellQuote(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || "/._-+:,@%=".Contains(c))
            ? text
            : "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
