using Spectre.Console;

namespace PymallocVerify.Cli.Reporting;

/// <summary>
/// Where a command writes: plain text writers for stdout/stderr (captured by tests), and a Spectre console over
/// stdout for tables. <see cref="Interactive"/> (a terminal) switches on live progress and colour.
/// </summary>
public sealed class CliOutput
{
    public CliOutput(TextWriter output, TextWriter error, bool interactive)
    {
        Out = output;
        Error = error;
        Interactive = interactive;
        Console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        // A log has no width; keep tables on one line per row.
        if (!interactive) Console.Profile.Width = 200;
    }

    public TextWriter Out { get; }
    public TextWriter Error { get; }
    public bool Interactive { get; }
    public IAnsiConsole Console { get; }

    public void Line(string text = "") => Out.WriteLine(text);
}
