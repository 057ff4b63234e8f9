using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Reporting;

namespace PymallocVerify.Cli.Tests;

/// <summary>What one in-process invocation of the command line printed and returned.</summary>
public sealed record CliRun(int ExitCode, string Out, string Err)
{
    public IReadOnlyList<string> ErrLines => Err.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    /// <summary>stdout with the summary's notes unwrapped (a note continues on lines indented by four spaces).</summary>
    public string Prose => Out.Replace("\n    ", " ", StringComparison.Ordinal);

    /// <summary>The arguments after "dotnet run --project Cli --" on every "reproduce with:" line, split as a POSIX shell would.</summary>
    public IReadOnlyList<string[]> ReplayCommands => Out.Split('\n')
        .Select(l => l.Trim())
        .Where(l => l.StartsWith("reproduce with: ", StringComparison.Ordinal))
        .Select(l => l["reproduce with: ".Length..])
        .Select(command =>
        {
            string[] words = ShellWords(command);
            Assert.Equal(["dotnet", "run", "--project"], words[..3]);
            Assert.True(Path.IsPathRooted(words[3]) && File.Exists(Path.Combine(words[3], "Cli.csproj")), words[3]);
            Assert.Equal(["--", "replay"], words[4..6]);
            Assert.True(Path.IsPathRooted(words[6]), words[6]);
            return words[5..];
        })
        .ToList();

    /// <summary>Splits on spaces, honouring single quotes (with '\'' for a quote), as the printed commands use them.</summary>
    public static string[] ShellWords(string command)
    {
        var words = new List<string>();
        var word = new System.Text.StringBuilder();
        bool quoted = false, any = false;
        for (int i = 0; i < command.Length; i++)
        {
            char c = command[i];
            if (c == '\'') { quoted = !quoted; any = true; }
            else if (c == '\\' && !quoted && i + 1 < command.Length) { word.Append(command[++i]); any = true; }
            else if (c == ' ' && !quoted)
            {
                if (any) words.Add(word.ToString());
                word.Clear();
                any = false;
            }
            else { word.Append(c); any = true; }
        }
        if (any) words.Add(word.ToString());
        return [.. words];
    }
}

/// <summary>Runs the CLI in-process with captured output (non-interactive: plain progress, ASCII tables).</summary>
public static class CliHarness
{
    /// <summary>PMV_EFFORT scales how many cases the campaign tests ask for (default 1).</summary>
    public static int Effort => int.TryParse(Environment.GetEnvironmentVariable("PMV_EFFORT"), out int e) && e > 0 ? e : 1;

    public static CliRun Invoke(params string[] args) => Invoke(null, args);

    public static CliRun Invoke(Func<IReadOnlyList<IVerificationFamily>>? families, params string[] args)
    {
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var app = new CliApp(new CliOutput(stdout, stderr, interactive: false), families);
        int exit = app.Run(args);
        return new CliRun(exit, stdout.ToString().Replace("\r\n", "\n"), stderr.ToString().Replace("\r\n", "\n"));
    }
}

/// <summary>A fresh directory under the temp folder, deleted afterwards.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory() => Directory.CreateDirectory(Path);

    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "pmv-cli-tests", Guid.NewGuid().ToString("N"));

    public string File(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { }
    }
}
