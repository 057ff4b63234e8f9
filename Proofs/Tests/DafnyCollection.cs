namespace PymallocVerify.Proofs.Tests;

/// <summary>The tests that start dafny: one at a time, so they do not fight over the two cores (each uses both).</summary>
[CollectionDefinition(Name)]
public sealed class DafnyCollection
{
    public const string Name = "dafny";
}
