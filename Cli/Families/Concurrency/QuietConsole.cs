namespace PymallocVerify.Cli.Families.Concurrency;

/// <summary>
/// Coyote's testing engine prints its own progress ("..... Iteration #10") to <see cref="Console.Out"/> even with
/// console logging switched off. The CLI's output goes through writers captured at startup, so pointing
/// <see cref="Console.Out"/> at nothing while an engine runs silences Coyote and nothing else.
/// </summary>
public sealed class QuietConsole : IDisposable
{
    private static readonly Lock Gate = new();
    private readonly TextWriter _saved;

    public QuietConsole()
    {
        Gate.Enter();
        _saved = Console.Out;
        Console.SetOut(TextWriter.Null);
    }

    public void Dispose()
    {
        Console.SetOut(_saved);
        Gate.Exit();
    }
}
