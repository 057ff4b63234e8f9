namespace PymallocVerify.Cli;

/// <summary>The process exit codes, part of the CLI's contract with CI scripts.</summary>
public static class ExitCodes
{
    /// <summary>Everything checked holds (or a replayed counterexample no longer fails).</summary>
    public const int Holds = 0;

    /// <summary>A check failed (or a replayed counterexample still fails); the counterexample paths were printed.</summary>
    public const int Failed = 1;

    /// <summary>Bad usage: unknown option, bad value, unreadable file. A one-line error was printed.</summary>
    public const int BadUsage = 2;

    /// <summary>The tool itself broke (a bug in the CLI, not a verification failure).</summary>
    public const int InternalError = 3;
}
