namespace PymallocVerify.Cli.Families.Concurrency;

/// <summary>
/// Coyote's testing engine prints its own progress ("..... Iteration #10") to <see cref="Console.Out"/> even with
/// console logging switched off. The CLI's output goes through writers captured at startup, so pointing
/// <see cref="Console.Out"/> at nothing while an engine runs silences Coyote and nothing else. Engines run side by side
/// (one per worker), so the first to start silences the console and the last to finish gives it back.
/// </summary>
public sealed class QuietConsole : IDisposable
{
    private static readonly Lock Gate = new();
    private static int s_engines;
    private static TextWriter? s_saved;

    public QuietConsole()
    {
        lock (Gate)
        {
            if (s_engines++ == 0)
            {
                s_saved = Console.Out;
                Console.SetOut(TextWriter.Null);
            }
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            if (--s_engines == 0)
            {
                Console.SetOut(s_saved!);
                s_saved = null;
            }
        }
    }
}
