namespace PymallocVerify.Cli.Reporting;

/// <summary>The exact command line that replays a counterexample file, ready to copy into a shell.</summary>
public static class ReplayCommand
{
    public const string Prefix = "dotnet run --project Cli -- replay";

    public static string For(string path, string? extraOptions = null) =>
        $"{Prefix} {ShellQuote(DisplayPath(path))}" + (string.IsNullOrEmpty(extraOptions) ? "" : " " + extraOptions);

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
