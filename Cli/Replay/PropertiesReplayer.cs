using System.Text.Json;
using PymallocVerify.Cli.Reporting;
using PymallocVerify.Model;
using PymallocVerify.Properties;
using PymallocVerify.SeededBugs;
using PymallocVerify.SeededBugs.Races;

namespace PymallocVerify.Cli.Replay;

/// <summary>
/// Replays a sequential counterexample (Model's file format, written by the properties and kept in
/// Properties/Regressions/): the program, each step's expected and observed result, PASS or FAIL. It runs on the
/// real allocator with the file's oracle unless <c>--seeded-bug</c> names a variant (the one it was found on).
/// </summary>
public sealed class PropertiesReplayer : ICounterexampleReplayer
{
    public string Format => Counterexample.FormatName;

    public int Replay(string path, JsonElement root, CliOutput output, ReplayOptions options)
    {
        if (options.SeededBug is ConcurrencyBug race)
            throw new UsageException($"seeded bug {race.Name} is a race: it replays from a concurrency counterexample file, not a sequential one");
        CounterexampleReplayReport report;
        try
        {
            Counterexample counterexample = CounterexampleFile.Parse(root.GetRawText(), path);
            report = CounterexampleReplayer.Replay(counterexample, options.SeededBug?.Name, options.Libraries);
        }
        catch (CounterexampleFormatException e)
        {
            throw new UsageException(e.Message);
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"{path}: {e.Message}");
        }
        output.Out.Write(report.Format());
        if (report.Passed)
        {
            output.Line($"HOLDS: the program passes on {report.VariantName}" +
                        (report.Counterexample.Variant is { } found && found != report.VariantName
                            ? $" (it was found on {found}; add --seeded-bug {found} to replay it there)"
                            : "") + ".");
            return ExitCodes.Holds;
        }
        output.Line($"STILL FAILS on {report.VariantName} at step {report.Failure!.Step + 1}: {report.Failure.Message}");
        return ExitCodes.Failed;
    }
}
