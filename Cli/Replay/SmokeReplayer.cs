using System.Text.Json;
using PymallocVerify.Cli.Families.Smoke;
using PymallocVerify.Cli.Options;
using PymallocVerify.Cli.Reporting;

namespace PymallocVerify.Cli.Replay;

/// <summary>Replays a smoke-case file: regenerates the workload from its seed and runs it with a step trace.</summary>
public sealed class SmokeReplayer : ICounterexampleReplayer
{
    /// <summary>Steps printed before the failure unless <c>--all-steps</c> is given.</summary>
    public const int TailSteps = 40;

    public string Format => SmokeCaseFile.Format;

    public int Replay(string path, JsonElement root, CliOutput output, ReplayOptions options)
    {
        SmokeScript recorded = SmokeCaseFile.Read(path, root);
        // Like every replay: the real allocator unless --seeded-bug names the variant to replay on.
        SmokeScript script = recorded with { SeededBug = options.SeededBug };
        if (SmokeExecutor.SeededBugUnsupportedReason(script.SeededBug, script.Oracle) is { } why) throw new UsageException(why);

        output.Line($"smoke case: geometry {script.Geometry.Name}, oracle {OracleNames.Of(script.Oracle)}, " +
                    $"workload {WorkloadShapes.Name(script.Workload)}, seed {SmokeCaseFile.Hex(script.Seed)}, {script.Steps} steps" +
                    (script.SeededBug is { } bug ? $", replayed on seeded bug {bug}" : ", replayed on the real allocator") +
                    (recorded.SeededBug is { } found && found != script.SeededBug ? $" (found on seeded bug {found})" : ""));
        var steps = new List<string>();
        SmokeRunResult result = SmokeExecutor.Run(script, SmokeCoverage.New(),
            trace: (step, op, outcome) => steps.Add($"  {step,5}  {op}  ->  {outcome}"));

        int shownFrom = options.AllSteps ? 0 : Math.Max(0, steps.Count - TailSteps);
        if (shownFrom > 0) output.Line($"  ... {shownFrom} earlier steps (--all-steps prints them)");
        foreach (string line in steps.Skip(shownFrom)) output.Line(line);

        if (!result.Failed)
        {
            output.Line($"HOLDS: all {result.Operations} operations check out; this counterexample no longer fails.");
            return ExitCodes.Holds;
        }
        output.Line($"  {result.FailedStep,5}  {result.FailedOperation}  ->  FAILS");
        output.Line($"STILL FAILS at step {result.FailedStep}: {result.Message}");
        return ExitCodes.Failed;
    }
}
