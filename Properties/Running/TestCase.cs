using System.Collections.Immutable;
using PymallocVerify.Model;
using PymallocVerify.Properties.Backend;

namespace PymallocVerify.Properties.Running;

/// <summary>
/// One generated case: the operations, and where arenas go — on real memory, the recording backend's arena head
/// offsets (cycled per arena); with a <see cref="Layout"/>, on the simulated space with memcheck in the loop.
/// </summary>
public sealed record TestCase(ImmutableArray<Operation> Operations, ImmutableArray<int> ArenaHeadOffsets)
{
    /// <summary>Null: real memory. Otherwise the simulated space's placement.</summary>
    public SimulatedLayout? Layout { get; init; }

    public int Length => Operations.Length;

    public override string ToString() => Layout is { } layout
        ? $"{Operations.Length} ops, {layout}"
        : $"{Operations.Length} ops, arena head offsets [{string.Join(", ", ArenaHeadOffsets)}]";
}
