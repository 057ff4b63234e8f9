using PymallocVerify.Cli.Families.Concurrency;
using PymallocVerify.Cli.Families.CPython;
using PymallocVerify.Cli.Families.Exhaustive;
using PymallocVerify.Cli.Families.Properties;
using PymallocVerify.Cli.Families.Workloads;

namespace PymallocVerify.Cli.Campaign;

/// <summary>The verification families <c>check</c> runs, in run order (also the order <c>mutants</c> picks a bug's family in).</summary>
public static class FamilyCatalog
{
    public static IReadOnlyList<IVerificationFamily> Default() =>
    [
        new PropertiesFamily(),
        new MemcheckFamily(),
        new ExhaustiveFamily(),
        new WorkloadsFamily(),
        new ConcurrencyFamily(),
        new CPythonFamily(),
    ];
}
