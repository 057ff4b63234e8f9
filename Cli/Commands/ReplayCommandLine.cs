using System.CommandLine;
using System.Text.Json;
using PymallocVerify.Cli.Replay;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Commands;

/// <summary>
/// <c>replay FILE</c>: re-runs a saved counterexample (any format in <see cref="ReplayCatalog"/>) and prints it.
/// Exit 1 while it still fails, 0 once it holds, 2 when the file cannot be read.
/// </summary>
public static class ReplayCommandLine
{
    public static Command Create(CliApp app)
    {
        var file = new Argument<string>("FILE") { Description = "A counterexample file (JSON) written by check or dotnet test." };
        Option<SeededBug?> seededBug = Options.CliOptions.SeededBug();
        seededBug.Hidden = false;
        seededBug.Description = "Replay on this seeded-bug variant instead of the real allocator (check prints it when the failure was found on one).";
        var command = new Command("replay", "Re-run a saved counterexample and print it; exit 1 while it still fails.")
        {
            file, seededBug,
        };
        command.SetAction(parse => Run(app, parse.GetValue(file)!, new ReplayOptions(parse.GetValue(seededBug))));
        return command;
    }

    public static int Run(CliApp app, string path, ReplayOptions options)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new UsageException($"cannot read '{path}': {e.Message}");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException e)
        {
            throw new UsageException($"'{path}' is not a counterexample file: invalid JSON ({e.Message})");
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
