using FsCheck.Xunit;
using PymallocVerify.Properties.Running;
using PymallocVerify.Properties.Specs;

namespace PymallocVerify.Properties.Tests;

/// <summary>
/// <c>[Property]</c> with this suite's settings: programs from <see cref="AllocatorPrograms"/>, <paramref name="cases"/>
/// programs (× PMV_EFFORT) growing to <paramref name="maxOperations"/> operations, and a fixed seed so that every run
/// checks the same programs. To reproduce a failure, set FsCheck's printed pair as <c>Replay</c> on the test.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AllocatorPropertyAttribute : PropertyAttribute
{
    public const ulong Seed = 20240611, Gamma = 1013904223;
    public const int StartOperations = 2;

    public AllocatorPropertyAttribute(int cases, int maxOperations = 40)
    {
        Arbitrary = [typeof(AllocatorPrograms)];
        MaxTest = Effort.Scale(cases);
        StartSize = StartOperations;
        EndSize = maxOperations;
        Replay = $"({Seed},{Gamma})";
        QuietOnSuccess = true;
    }

    /// <summary>What the programs of <c>[AllocatorProperty(cases, maxOperations)]</c> on <typeparamref name="TSubject"/> met.</summary>
    public static CoverageTable CoverageOf<TSubject>(int cases, int maxOperations = 40) where TSubject : IPropertySubject =>
        ProgramCoverage.Of<TSubject>(Effort.Scale(cases), StartOperations, maxOperations, (Seed, Gamma));
}
