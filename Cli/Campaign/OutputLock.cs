namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// Held by one <c>check</c> run for its whole length on <c>--out</c>: a second run on the same directory is refused
/// at once (exit 2) instead of overwriting the first run's report.json and counterexamples while it works. The lock is
/// the open file itself (released by the OS even if the process dies), not the file's existence.
/// </summary>
public sealed class OutputLock : IDisposable
{
    public const string FileName = ".check.lock";

    private readonly FileStream _stream;

    private OutputLock(FileStream stream) => _stream = stream;

    public static OutputLock Acquire(string outputDirectory)
    {
        string path = Path.Combine(outputDirectory, FileName);
        try
        {
            var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            return new OutputLock(stream);
        }
        catch (IOException)
        {
            throw new UsageException($"--out '{outputDirectory}' is in use by another check run; give each run its own --out");
        }
    }

    public void Dispose() => _stream.Dispose();
}
