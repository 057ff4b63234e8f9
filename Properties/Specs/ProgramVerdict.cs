using PymallocVerify.Model;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Specs;

/// <summary>
/// A property's verdict on one program: whether it holds, the run it judged, and, when it fails, the report (the
/// program with the failing step marked, expected and observed) and the counterexample file written for it.
/// </summary>
public sealed record ProgramVerdict(bool Holds, RunOutcome Outcome, string? Report, string? CounterexamplePath)
{
    public FailureRecord? Failure => Holds ? null : Outcome.Failure;
}
