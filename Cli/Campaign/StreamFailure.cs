namespace PymallocVerify.Cli.Campaign;

/// <summary>A failed case of a stream: what broke, and the counterexample file that reproduces it.</summary>
/// <param name="CounterexampleLength">Operations in the (shrunk, where the family shrinks) counterexample.</param>
/// <param name="ReplayOptions">Extra <c>replay</c> options the file alone does not imply (usually none).</param>
public sealed record StreamFailure(
    long CaseIndex,
    ulong Seed,
    string Message,
    string? CounterexamplePath,
    int? CounterexampleLength,
    string? ReplayOptions = null);
