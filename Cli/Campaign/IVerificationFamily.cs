using PymallocVerify.SeededBugs;

namespace PymallocVerify.Cli.Campaign;

/// <summary>
/// One way of checking the allocator (properties, memcheck, exhaustive, workloads, concurrency) that
/// <c>check</c> runs for a share of the budget, under each configuration it supports.
/// </summary>
public interface IVerificationFamily
{
    /// <summary>Short, stable, lower-case: used on the command line (<c>--family</c>), in seeds and in file names.</summary>
    string Name { get; }

    string Description { get; }

    /// <summary>What <see cref="FamilyResult.Operations"/> counts: "ops" (operations checked), "iterations", "states".</summary>
    string OperationUnit => "ops";

    /// <summary>The configurations this family runs for the selection, each runnable or skipped with a reason.</summary>
    IReadOnlyList<FamilyConfiguration> Configurations(CampaignSelection selection);

    /// <summary>An empty coverage record naming the garbage classes and address kinds this family aims to hit
    /// under <paramref name="configuration"/>.</summary>
    Coverage NewCoverage(FamilyConfiguration configuration);

    /// <summary>
    /// Whether this family can run <paramref name="bug"/> (<see cref="FamilyContext.SeededBug"/>). <c>mutants</c> hunts
    /// each bug of the catalog with the first family, in run order, that runs it.
    /// </summary>
    bool Runs(SeededBug bug);

    /// <summary>How much time each of this family's streams gets relative to a stream of weight 1 (the scheduler runs the
    /// stream with the least time ÷ weight next).</summary>
    double TimeShare => 1;

    /// <summary>Prepares this shard's cases under <paramref name="context"/>'s configuration, to be run one at a time.</summary>
    IStreamRun Start(FamilyContext context, IProgressReporter progress);
}
