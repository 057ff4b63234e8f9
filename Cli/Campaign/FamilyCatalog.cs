using PymallocVerify.Cli.Families.Concurrency;
using PymallocVerify.Cli.Families.CPython;
using PymallocVerify.Cli.Families.Exhaustive;
using PymallocVerify.Cli.Families.Properties;
using PymallocVerify.Cli.Families.Smoke;

namespace PymallocVerify.Cli.Campaign;

/// <summary>The verification families <c>check</c> runs, in run order.</summary>
public static class FamilyCatalog
{
    public static IReadOnlyList<IVerificationFamily> Default() =>
    [
        new PropertiesFamily(),
        new MemcheckFamily(),
        new ExhaustiveFamily(),
        new AllocatorSmokeFamily(),
        new ConcurrencyFamily(),
        new CPythonFamily(),
    ];
}
