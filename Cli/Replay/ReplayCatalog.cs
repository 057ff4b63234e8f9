namespace PymallocVerify.Cli.Replay;

/// <summary>Every counterexample format this build can replay.</summary>
public static class ReplayCatalog
{
    public static IReadOnlyList<ICounterexampleReplayer> Default() =>
    [
        new PropertiesReplayer(),
        new ConcurrencyFileReplayer(),
    ];
}
