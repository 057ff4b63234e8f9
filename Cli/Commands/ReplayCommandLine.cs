using System.CommandLine;
using System.Text.Json;
using PymallocVerify.Cli.Replay;
using PymallocVerify.Model;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Commands;

/// <summary>
/// <c>replay FILE</c>: re-runs a saved counterexample (any format in <see cref="ReplayCatalog"/>) and prints it.
/// Exit 1 while it still fails, 0 once it holds, 2 when the file cannot be used (unreadable, malformed, an unknown
/// version or value, a trace Coyote cannot follow).
/// </summary>
public static class ReplayCommandLine
{
    public static Command Create(CliApp app)
    {
        var file = new Argument<string>("FILE") { Description = "A counterexample file (JSON) written by check or dotnet test." };
        Option<SeededBug?> seededBug = Options.CliOptions.SeededBug();
        seededBug.Hidden = false;
        seededBug.Description = "Replay on this seeded-bug variant instead of the real allocator (check prints it when the failure was found on one).";
        Option<string[]> libpython = Options.CliOptions.LibPython(
            "A counterexample found on libpython: replay on this libpython3.X.so of the file's version (repeatable, as in check). " +
            "Default: $PMV_LIBPYTHON, the library the file records, pyenv's, then the system's.");
        var command = new Command("replay", "Re-run a saved counterexample and print it.\n" +
            "Exit codes: 0 the program passes now, 1 it still fails, 2 the file cannot be used (malformed, unknown version " +
            "or value, a trace Coyote cannot follow), 3 a bug in this tool.")
        {
            file, seededBug, libpython,
        };
        command.SetAction(parse => Run(app, parse.GetValue(file)!, new ReplayOptions(parse.GetValue(seededBug), parse.GetValue(libpython) ?? [])));
        return command;
    }

    public static int Run(CliApp app, string path, ReplayOptions options)
    {
        if (path.Length == 0) throw new UsageException("replay needs a file name, not an empty one");
        if (!File.Exists(path) && !Directory.Exists(path)) throw new UsageException($"'{path}': no such file");
        string text;
        try
        {
            // Both formats share the cap: a counterexample is a few KiB, so /dev/zero or a huge file is refused at once.
            text = StrictJson.ReadFile(path, CounterexampleFile.MaxFileBytes);
        }
        catch (InvalidDataException e)
        {
            throw new UsageException($"'{path}' {e.Message}");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 64 });
        }
        catch (JsonException e)
        {
            throw new UsageException($"'{path}' is not a counterexample file: invalid JSON ({StrictJson.Describe(e)})");
        }
        using (document)
        {
            JsonElement root = document.RootElement;
            string? format = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("format", out JsonElement f)
                             && f.ValueKind == JsonValueKind.String ? f.GetString() : null;
            IReadOnlyList<ICounterexampleReplayer> replayers = app.Replayers();
            ICounterexampleReplayer replayer = replayers.FirstOrDefault(r => format is not null && r.Accepts(format))
                ?? throw new UsageException(format is null
                    ? $"'{path}' is not a counterexample file: no \"format\" field"
                    : $"'{path}' has format '{format}', which this build cannot replay (known: {string.Join(", ", replayers.Select(r => r.Format))})");
            return replayer.Replay(path, root, app.Output, options);
        }
    }
}
