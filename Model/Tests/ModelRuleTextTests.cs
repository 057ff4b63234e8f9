namespace PymallocVerify.Model.Tests;

/// <summary>
/// The exact text of the model's other verdicts and refusals: teardown (<see cref="ReferenceModel.Finish"/>), a bad
/// geometry, an operation argument out of range; and what makes two verdicts equal (replay compares them).
/// </summary>
public class ModelRuleTextTests
{
    [Fact]
    public void Teardown_verdicts_name_what_is_wrong()
    {
        ModelState one = Kit.WithOneBlock();
        ModelState drained = Kit.Ok(one, new FreeOp(0), new Observation { Address = Kit.FirstBlock, OwnedAnswer = true }).State;
        Assert.Equal("FAIL [Invariants] teardown started with live blocks (expected no live block at teardown; observed 1 live)",
            ReferenceModel.Finish(one, []).ToString());
        Assert.Equal("FAIL [Invariants] arena(s) 0x100000 were never returned to the system (expected every arena returned; observed 1 never returned)",
            ReferenceModel.Finish(drained, []).ToString());
        Assert.Equal("FAIL [Invariants] unexpected system event at dispose: ArenaReturned { Base = 1048576 } (expected dispose returns each live arena once; observed ArenaReturned { Base = 1048576 })",
            ReferenceModel.Finish(drained, [new ArenaReturned(Kit.ArenaBase), new ArenaReturned(Kit.ArenaBase)]).ToString());
        Assert.Equal("FAIL [Invariants] unexpected system event at dispose: SystemFreeCalled { Address = 5, Known = True } (expected dispose returns each live arena once; observed SystemFreeCalled { Address = 5, Known = True })",
            ReferenceModel.Finish(drained, [new SystemFreeCalled(5)]).ToString());
        Assert.Equal("ok (expected every arena returned; observed every arena returned)",
            ReferenceModel.Finish(drained, [new ArenaReturned(Kit.ArenaBase)]).ToString());
        Assert.False(ReferenceModel.Finish(Kit.Initial(), []).Failed);
        ModelState twoArenas = Kit.Initial() with { Arenas = [new LiveArena(0, Kit.ArenaBase, 65536, []), new LiveArena(1, 0x200000, 65536, [])] };
        Assert.Equal("arena(s) 0x100000, 0x200000 were never returned to the system", ReferenceModel.Finish(twoArenas, []).Message);
    }

    [Theory]
    [InlineData("", 16, 4096, 65536, 512, "a geometry needs a name")]
    [InlineData(" ", 16, 4096, 65536, 512, "a geometry needs a name")]
    [InlineData("g", 4, 4096, 65536, 512, "alignment must be a power of two >= 8; got 4")]
    [InlineData("g", 24, 4096, 65536, 512, "alignment must be a power of two >= 8; got 24")]
    [InlineData("g", 0, 4096, 65536, 512, "alignment must be a power of two >= 8; got 0")]
    [InlineData("g", 16, 3000, 65536, 512, "pool size must be a power of two; got 3000")]
    [InlineData("g", 16, 0, 65536, 512, "pool size must be a power of two; got 0")]
    [InlineData("g", 16, 4096, 65535, 512, "arena size must be a power of two; got 65535")]
    [InlineData("g", 16, 4096, 4096, 512, "an arena must hold at least two pools; got arena 4096, pool 4096")]
    [InlineData("g", 16, 4096, 65536, 8, "threshold must be a multiple of the alignment in [alignment, 512]; got 8")]
    [InlineData("g", 16, 4096, 65536, 528, "threshold must be a multiple of the alignment in [alignment, 512]; got 528")]
    [InlineData("g", 16, 4096, 65536, 40, "threshold must be a multiple of the alignment in [alignment, 512]; got 40")]
    public void A_bad_geometry_is_refused_naming_its_first_broken_rule(string name, int alignment, int pool, int arena, int threshold, string rule)
    {
        var e = Assert.Throws<ArgumentException>(() => new ModelGeometry(name, alignment, pool, arena, threshold).Validate());
        Assert.Equal($"invalid model geometry '{name}': {rule}", e.Message);
    }

    [Theory]
    [InlineData(8, 4096, 8192, 8)]
    [InlineData(16, 256, 512, 512)]
    [InlineData(8, 8, 16, 16)]
    public void Geometries_at_the_edge_of_every_rule_are_accepted(int alignment, int pool, int arena, int threshold)
    {
        var g = new ModelGeometry("edge", alignment, pool, arena, threshold);
        g.Validate();
        Assert.Equal($"edge (alignment {alignment}, pool {pool}, arena {arena}, threshold {threshold})", g.ToString());
    }

    [Fact]
    public void Geometry_arithmetic_matches_pymalloc()
    {
        var g = new ModelGeometry("g", 16, 4096, 65536, 512);
        Assert.Equal(48, g.PoolOverhead);
        Assert.Equal(64, (g with { Alignment = 64 }).PoolOverhead);
        Assert.Equal(0x1000UL, g.PoolBaseOf(0x1fff));
        Assert.Equal(0x2000UL, g.PoolBaseOf(0x2000));
        Assert.False(g.IsSmallRequest(0));
        Assert.True(g.IsSmallRequest(1));
        Assert.True(g.IsSmallRequest(512));
        Assert.False(g.IsSmallRequest(513));
        Assert.Equal(16UL, g.BlockSizeFor(1));
        Assert.Equal(16UL, g.BlockSizeFor(16));
        Assert.Equal(32UL, g.BlockSizeFor(17));
    }

    [Theory]
    [InlineData(-1, "malloc size must be in 0..16777216; got -1")]
    [InlineData(Operation.MaxRequestBytes + 1, "malloc size must be in 0..16777216; got 16777217")]
    public void Request_sizes_out_of_range_are_refused(int size, string message)
    {
        Assert.Equal(message, Assert.Throws<ArgumentException>(() => new MallocOp(size).Validate()).Message);
        new MallocOp(0).Validate();
        new MallocOp(Operation.MaxRequestBytes).Validate();
    }

    [Fact]
    public void Every_operation_checks_its_own_arguments()
    {
        string Refusal(Operation op) => Assert.Throws<ArgumentException>(op.Validate).Message;
        Assert.Equal("calloc count must be in 0..16777216; got -1", Refusal(new CallocOp(-1, 1)));
        Assert.Equal("calloc size must be in 0..16777216; got -2", Refusal(new CallocOp(1, -2)));
        Assert.Equal("calloc total must be at most 16777216 bytes", Refusal(new CallocOp(4097, 4096)));
        new CallocOp(4096, 4096).Validate();
        Assert.Equal("realloc size must be in 0..16777216; got -3", Refusal(new ReallocOp(0, -3)));
        Assert.Equal("foreign block size must be in 0..16777216; got -4", Refusal(new ForeignAllocOp(-4)));
        Assert.Equal("a foreign block needs at least one byte", Refusal(new ForeignAllocOp(0)));
        new ForeignAllocOp(1).Validate();
        Assert.Equal("query address", Assert.Throws<ArgumentNullException>(new QueryOp(null!, Garbage.Of(GarbageClass.TableSize)).Validate).ParamName);
        Assert.Equal("query garbage", Assert.Throws<ArgumentNullException>(new QueryOp(new LowAddress(0), null!).Validate).ParamName);
    }

    [Fact]
    public void Verdicts_are_equal_when_their_text_is_equal_rendered_or_not()
    {
        ModelState one = Kit.WithOneBlock();
        var query = new QueryOp(new BlockAddress(0, Edge.Start, 0), Garbage.Of(GarbageClass.TableSize));
        StepVerdict deferred = ReferenceModel.Step(one, query, new Observation { OwnedAnswer = true }).Verdict;
        StepVerdict rendered = StepVerdict.Pass("Owned ⇒ true", "true");
        Assert.Equal(rendered, deferred);
        Assert.Equal(rendered.GetHashCode(), deferred.GetHashCode());
        Assert.NotEqual(StepVerdict.Pass("Owned ⇒ true", "false"), deferred);
        Assert.NotEqual(StepVerdict.Pass("NotOwned ⇒ false", "true"), rendered);
        Assert.NotEqual(new StepVerdict(VerdictKind.Skipped, "Owned ⇒ true", "true"), rendered);
        StepVerdict fail = StepVerdict.Fail(PropertyFamily.Blocks, "e", "o", "m");
        Assert.NotEqual(fail, fail with { Family = PropertyFamily.Routing });
        Assert.NotEqual(fail, fail with { Message = "n" });
        Assert.Equal(fail, StepVerdict.Fail(PropertyFamily.Blocks, "e", "o", "m"));
        Assert.False(fail.Equals(null));
        Assert.True(fail.Failed);
        Assert.False(StepVerdict.Skip("why").Failed);
        Assert.Equal(VerdictKind.Skipped, StepVerdict.Skip("why").Kind);
        Assert.Equal(("why", "skipped"), (StepVerdict.Skip("why").Expected, StepVerdict.Skip("why").Observed));
    }

    [Fact]
    public void Failure_families_follow_the_operation()
    {
        Assert.Equal(PropertyFamily.Ownership, ReferenceModel.FamilyOf(new QueryOp(new LowAddress(0), Garbage.Of(GarbageClass.TableSize))));
        Assert.Equal(PropertyFamily.Routing, ReferenceModel.FamilyOf(new FreeOp(0)));
        Assert.Equal(PropertyFamily.Routing, ReferenceModel.FamilyOf(new ForeignFreeOp(0)));
        Assert.Equal(PropertyFamily.Blocks, ReferenceModel.FamilyOf(new ReallocOp(0, 1)));
        Assert.Equal(PropertyFamily.Blocks, ReferenceModel.FamilyOf(new WriteTagOp(0)));
    }
}
