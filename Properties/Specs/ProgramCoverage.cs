using FsCheck;
using FsCheck.Fluent;
using PymallocVerify.Properties.Running;

namespace PymallocVerify.Properties.Specs;

/// <summary>
/// What the programs of a property met (<see cref="CoverageTable"/>), drawn exactly as FsCheck draws them for a
/// <c>[Property]</c> with the same seed, count and sizes: the runs are the ones the property made (remembered by
/// <see cref="AllocatorSpecs"/>), so asking costs nothing once the property ran.
/// </summary>
public static class ProgramCoverage
{
    public static CoverageTable Of<TSubject>(int cases, int startSize, int endSize, (ulong Seed, ulong Gamma) replay)
        where TSubject : IPropertySubject
    {
        var coverage = new CoverageTable();
        Property record = Prop.ForAll(AllocatorPrograms.Program<TSubject>(), program =>
        {
            coverage.Add(AllocatorSpecs.Judge(TSubject.Subject, program.Case, family: null, counterexampleDirectory: null, remember: true)
                .Outcome.Coverage);
            return true;
        });
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(cases).WithStartSize(startSize).WithEndSize(endSize)
            .WithReplay(replay.Seed, replay.Gamma).WithQuietOnSuccess(true), record);
        return coverage;
    }
}
