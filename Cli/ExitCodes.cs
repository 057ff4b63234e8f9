namespace PymallocVerify.Cli;

/// <summary>The process exit codes, part of the CLI's contract with CI scripts.</summary>
public static class ExitCodes
{
    /// <summary>Everything checked holds (or a replayed counterexample no longer fails).</summary>
    public const int Holds = 0;

    /// <summary>A check failed (or a replayed counterexample still fails); the counterexample paths were printed.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage: unknown option, bad value, an unusable file, an I/O error. A one-line error was printed.</summary>
    public const int BadUsage = 2;

    /// <summary>The tool itself broke (a bug in the CLI, not a verification failure); the line asks for a report.</summary>
    public const int InternalError = 3;

    /// <summary><c>check</c> was interrupted by SIGINT (Ctrl+C): 128 + 2, as a shell reports it.</summary>
    public const int Interrupted = 130;

    /// <summary><c>check</c> was stopped by SIGTERM: 128 + 15.</summary>
    public const int Terminated = 143;

    /// <summary>The contract, as --help lists it.</summary>
    public const string CheckHelp = "Exit codes: 0 every requested case ran and held, 1 a failure (listed with its reproduce line), " +
                                    "2 bad usage or an I/O error, 130 interrupted (SIGINT), 143 terminated (SIGTERM), 3 a bug in this tool.";
}
