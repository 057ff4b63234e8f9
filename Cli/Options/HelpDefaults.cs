using System.CommandLine;
using System.Text.RegularExpressions;

namespace PymallocVerify.Cli.Options;

/// <summary>
/// Replaces each "[default: …]" of a command's --help with the default as a user writes it ("60s", "all", "1/1"),
/// recorded by <see cref="CliOptions.DefaultTexts"/>; System.CommandLine would print the parsed value instead.
/// </summary>
public static partial class HelpDefaults
{
    public static string Rewrite(string help, Command command)
    {
        var byName = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (Option option in command.Options)
            if (CliOptions.DefaultTexts.TryGetValue(option, out string? text) && text.Length > 0)
                byName[option.Name] = text;
        var lines = help.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            Match name = OptionLine().Match(lines[i]);
            int at = lines[i].IndexOf(" [default: ", StringComparison.Ordinal);
            if (!name.Success || at < 0) continue;
            lines[i] = byName.TryGetValue(name.Groups[1].Value, out string? written)
                ? lines[i][..at] + $" [default: {written}]"
                : lines[i][..at];
        }
        return string.Join('\n', lines);
    }

    [GeneratedRegex(@"^\s+(?:-\S+, )*(--[\w-]+)")]
    private static partial Regex OptionLine();
}
