using System.CommandLine;
using System.CommandLine.Help;
using PymallocVerify.Cli.Options;
using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Commands;
using PymallocVerify.Cli.Replay;
using PymallocVerify.Cli.Reporting;

namespace PymallocVerify.Cli;

/// <summary>
/// The command line: <c>check</c>, <c>replay</c>, <c>stats</c>, <c>mutants</c>. Runs in-process over any writers
/// (tests capture them). Exit codes: see <see cref="ExitCodes"/>; bad usage is always one line on stderr.
/// </summary>
public sealed class CliApp(CliOutput output,
                           Func<IReadOnlyList<IVerificationFamily>>? families = null,
                           Func<IReadOnlyList<ICounterexampleReplayer>>? replayers = null,
                           CancellationToken cancellation = default,
                           Func<int>? interruptedExitCode = null)
{
    public const string ToolName = "pymalloc-verify";

    public CliOutput Output { get; } = output;
    public CancellationToken Cancellation { get; } = cancellation;

    /// <summary>The exit code of an interrupted run: 130 after SIGINT, 143 after SIGTERM (Program.cs knows which).</summary>
    public int InterruptedExitCode => interruptedExitCode?.Invoke() ?? ExitCodes.Interrupted;

    /// <summary>Set while a command that stops cleanly on <see cref="Cancellation"/> runs; otherwise a signal ends the process.</summary>
    public bool WatchesInterrupts { get; set; }
    public Func<IReadOnlyList<IVerificationFamily>> Families { get; } = families ?? FamilyCatalog.Default;
    public Func<IReadOnlyList<ICounterexampleReplayer>> Replayers { get; } = replayers ?? ReplayCatalog.Default;

    public RootCommand BuildRootCommand()
    {
        var root = new RootCommand("pymalloc-verify: check the pymalloc port's ownership decision (and everything around it) from the command line.")
        {
            CheckCommand.Create(this),
            ReplayCommandLine.Create(this),
            StatsCommand.Create(this),
            MutantsCommand.Create(this),
        };
        return root;
    }


    public int Run(IReadOnlyList<string> args)
    {
        ParseResult parse = BuildRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            // The most specific first: "Unrecognized command or argument 'x'" explains "Required command was not provided".
            var messages = parse.Errors.Select(e => e.Message).Distinct()
                .OrderBy(m => m.StartsWith("Unrecognized", StringComparison.Ordinal) ? 0 : 1);
            return Usage(string.Join(" ", messages) + " (see --help)");
        }
        try
        {
            if (parse.Action is HelpAction)
            {
                // The help is rewritten to show each default as a user writes it (CliOptions.DefaultTexts), not the
                // parsed value's record (a Geometry's every field, a list's .NET type name).
                var help = new StringWriter();
                int code = parse.Invoke(new InvocationConfiguration { Output = help, Error = Output.Error, EnableDefaultExceptionHandler = false });
                Output.Out.Write(HelpDefaults.Rewrite(help.ToString(), parse.CommandResult.Command));
                return code;
            }
            return parse.Invoke(new InvocationConfiguration
            {
                Output = Output.Out,
                Error = Output.Error,
                EnableDefaultExceptionHandler = false,
            });
        }
        catch (UsageException e)
        {
            return Usage(e.Message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            Output.Error.WriteLine($"{ToolName}: internal error: {e.GetType().Name}: {OneLine(e.Message)} " +
                                   "(a bug in this tool, not in the allocator: please report it with the command line)");
            return ExitCodes.InternalError;
        }
        finally
        {
            Output.Out.Flush();
        }
    }

    private int Usage(string message)
    {
        Output.Error.WriteLine($"{ToolName}: {OneLine(message)}");
        return ExitCodes.BadUsage;
    }

    private static string OneLine(string text) => string.Join(' ', text.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries));
}
