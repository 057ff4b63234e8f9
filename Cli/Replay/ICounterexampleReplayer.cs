using System.Text.Json;
using PymallocVerify.Cli.Reporting;
using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Replay;

/// <summary>Replays one kind of counterexample file, recognised by its <c>"format"</c> field.</summary>
public interface ICounterexampleReplayer
{
    string Format { get; }

    /// <summary>Whether this replayer reads files whose "format" field is <paramref name="format"/> (it may then
    /// still refuse a newer version with a clear message).</summary>
    bool Accepts(string format) => format == Format;

    /// <summary>
    /// Re-runs the file, prints what happened, and returns <see cref="ExitCodes.Failed"/> while it still fails,
    /// <see cref="ExitCodes.Holds"/> once it passes. A malformed file throws <see cref="UsageException"/>.
    /// </summary>
    int Replay(string path, JsonElement root, CliOutput output, ReplayOptions options);
}

/// <summary>Options of the <c>replay</c> command that a replayer may honour.</summary>
/// <param name="SeededBug">Replay on this variant instead of the real allocator (<c>--seeded-bug</c>).</param>
/// <param name="Libraries">libpython files to replay a file found on libpython with (<c>--libpython</c>); null or empty: found as usual.</param>
public sealed record ReplayOptions(SeededBug? SeededBug = null, IReadOnlyList<string>? Libraries = null);
