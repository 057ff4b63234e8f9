using System.Collections.Immutable;
using PymallocVerify.Model;

namespace PymallocVerify.Properties.Running;

/// <summary>One generated case: the operations, and where the recording backend places arenas (cycled per arena).</summary>
public sealed record TestCase(ImmutableArray<Operation> Operations, ImmutableArray<int> ArenaHeadOffsets)
{
    public int Length => Operations.Length;

    public override string ToString() => $"{Operations.Length} ops, arena head offsets [{string.Join(", ", ArenaHeadOffsets)}]";
}
