using FsCheck;
using FsCheck.Fluent;
using PymallocVerify.Properties.Generation;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Shrinking;

namespace PymallocVerify.Properties.Specs;

/// <summary>
/// The Arbitrary for programs: the project's generator (<see cref="CaseGenerators"/>) and its shrinker
/// (<see cref="CaseShrinker.Candidates"/>), joined with <c>Arb.From</c>. Register it with
/// <c>[Property(Arbitrary = [typeof(AllocatorPrograms)])]</c>; the CLI campaign draws from the same generator.
/// </summary>
public static class AllocatorPrograms
{
    /// <summary>FsCheck finds this by its return type, for every subject type.</summary>
    public static Arbitrary<AllocatorProgram<TSubject>> Program<TSubject>() where TSubject : IPropertySubject =>
        Arb.From(Cases(TSubject.Subject).Select(c => new AllocatorProgram<TSubject>(c)),
            p => CaseShrinker.Candidates(p.Case).Select(c => new AllocatorProgram<TSubject>(c)));

    /// <summary>
    /// Cases for <paramref name="subject"/>: operations and arena head offsets, plus, on the simulated space, a
    /// placement seed of their own (so that shrinking never changes where arenas go).
    /// </summary>
    public static Gen<TestCase> Cases(PropertySubject subject)
    {
        Gen<TestCase> cases = CaseGenerators.Cases(subject.Runner.Geometry, subject.ChurnPercent);
        return subject.Simulated is not { } layout
            ? cases
            : cases.SelectMany(_ => Gen.Choose(0, int.MaxValue), (c, seed) => c with { Layout = layout.WithSeed((ulong)seed) });
    }
}
