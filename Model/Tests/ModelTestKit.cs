using System.Collections.Immutable;

namespace PymallocVerify.Model.Tests;

/// <summary>Hand-made observations: a fake system boundary for driving the model without an allocator.</summary>
internal static class Kit
{
    public static readonly ModelGeometry Geometry = new("test", 16, 4096, 65536, 512);
    public const ulong ArenaBase = 0x100000; // pool-aligned
    public const ulong FirstBlock = ArenaBase + 48;

    public static ModelState Initial(bool arenaMap = false) => ModelState.Initial(Geometry, arenaMap);

    public static Observation Events(params SystemEvent[] events) => new() { Events = [.. events] };

    public static StepResult Ok(ModelState s, Operation op, Observation o)
    {
        StepResult r = ReferenceModel.Step(s, op, o);
        Xunit.Assert.False(r.Verdict.Failed, r.Verdict.ToString());
        return r;
    }

    /// <summary>A state with one arena at <see cref="ArenaBase"/> and b0 = malloc(16) at its first block.</summary>
    public static ModelState WithOneBlock(bool arenaMap = false) =>
        Ok(Initial(arenaMap), new MallocOp(16), new Observation
        {
            Address = FirstBlock,
            Events = ImmutableArray.Create<SystemEvent>(new ArenaObtained(ArenaBase, 65536)),
        }).State;
}
