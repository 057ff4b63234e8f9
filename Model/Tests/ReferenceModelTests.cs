using Xunit;

namespace PymallocVerify.Model.Tests;

public class ReferenceModelTests
{
    [Fact]
    public void Ownership_is_three_valued_and_learned_from_the_system_boundary()
    {
        ModelState s = Kit.WithOneBlock();
        Assert.Equal(Ownership.Owned, s.OwnershipOf(Kit.FirstBlock));
        Assert.Equal(Ownership.Owned, s.OwnershipOf(Kit.ArenaBase)); // the pool header itself
        Assert.Equal(Ownership.Unspecified, s.OwnershipOf(Kit.ArenaBase + 4096)); // a pool never carved
        Assert.Equal(Ownership.NotOwned, s.OwnershipOf(Kit.ArenaBase + 65536)); // one past the end
        Assert.Equal(Ownership.NotOwned, s.OwnershipOf(Kit.ArenaBase - 1));

        // Freeing b0 keeps the pool initialised; returning the arena makes everything NotOwned.
        s = Kit.Ok(s, new FreeOp(0), new Observation { OwnedAnswer = true }).State;
        Assert.Equal(Ownership.Owned, s.OwnershipOf(Kit.FirstBlock));
        s = s with { Arenas = [], ReleasedArenas = [new ReleasedArena(0, Kit.ArenaBase, 65536)] };
        Assert.Equal(Ownership.NotOwned, s.OwnershipOf(Kit.FirstBlock));
    }

    [Fact]
    public void Query_verdicts_follow_the_spec()
    {
        ModelState s = Kit.WithOneBlock();
        var owned = new QueryOp(new BlockAddress(0, Edge.Start, 0), Garbage.Of(GarbageClass.TableSize));
        var outside = new QueryOp(new ArenaAddress(0, Edge.End, 0), Garbage.Of(GarbageClass.AdjacentArenaSlot));
        var uncarved = new QueryOp(new ArenaAddress(0, Edge.Start, 8192), Garbage.Of(GarbageClass.LiveSlot));

        Assert.False(ReferenceModel.Step(s, owned, new Observation { OwnedAnswer = true }).Verdict.Failed);
        Assert.Equal(PropertyFamily.Ownership, ReferenceModel.Step(s, owned, new Observation { OwnedAnswer = false }).Verdict.Family);
        Assert.False(ReferenceModel.Step(s, outside, new Observation { OwnedAnswer = false }).Verdict.Failed);
        Assert.True(ReferenceModel.Step(s, outside, new Observation { OwnedAnswer = true }).Verdict.Failed);
        Assert.False(ReferenceModel.Step(s, uncarved, new Observation { OwnedAnswer = false }).Verdict.Failed);
        Assert.False(ReferenceModel.Step(s, uncarved, new Observation { OwnedAnswer = true }).Verdict.Failed);

        ModelState map = Kit.WithOneBlock(arenaMap: true);
        Assert.True(ReferenceModel.Step(map, uncarved, new Observation { OwnedAnswer = false }).Verdict.Failed);
    }

    [Fact]
    public void Small_request_served_by_the_system_is_a_routing_failure()
    {
        StepResult r = ReferenceModel.Step(Kit.Initial(), new MallocOp(16),
            new Observation { Address = 0x5000, Events = [new SystemMallocCalled(0x5000, 16)] });
        Assert.Equal(PropertyFamily.Routing, r.Verdict.Family);
    }

    [Fact]
    public void Large_request_must_make_exactly_one_system_malloc()
    {
        var ok = Kit.Ok(Kit.Initial(), new MallocOp(513), new Observation { Address = 0x5000, Events = [new SystemMallocCalled(0x5000, 513)] });
        Assert.Equal(BlockKind.System, ok.State.Blocks[0].Kind);
        Assert.True(ReferenceModel.Step(Kit.Initial(), new MallocOp(513), new Observation { Address = 0x5000 }).Verdict.Failed);
    }

    [Theory]
    [InlineData(Kit.FirstBlock + 8, "aligned")]
    [InlineData(Kit.ArenaBase + 16, "block boundary")]
    [InlineData(Kit.ArenaBase + 4096 - 8, "block boundary")]
    public void Misplaced_pymalloc_blocks_are_caught(ulong address, string _)
    {
        var obs = new Observation { Address = address, Events = [new ArenaObtained(Kit.ArenaBase, 65536)] };
        Assert.Equal(PropertyFamily.Blocks, ReferenceModel.Step(Kit.Initial(), new MallocOp(16), obs).Verdict.Family);
    }

    [Fact]
    public void Overlapping_blocks_are_caught()
    {
        ModelState s = Kit.WithOneBlock();
        StepResult r = ReferenceModel.Step(s, new MallocOp(16), new Observation { Address = Kit.FirstBlock });
        Assert.Equal(PropertyFamily.Blocks, r.Verdict.Family);
        Assert.Contains("overlaps", r.Verdict.Message);
        Assert.False(ReferenceModel.Step(s, new MallocOp(16), new Observation { Address = Kit.FirstBlock + 16 }).Verdict.Failed);
    }

    [Fact]
    public void Free_routing_is_checked_both_ways()
    {
        ModelState s = Kit.WithOneBlock();
        Assert.Equal(PropertyFamily.Routing, ReferenceModel.Step(s, new FreeOp(0),
            new Observation { OwnedAnswer = true, Events = [new SystemFreeCalled(Kit.FirstBlock)] }).Verdict.Family);
        Assert.Equal(PropertyFamily.Ownership, ReferenceModel.Step(s, new FreeOp(0), new Observation { OwnedAnswer = false }).Verdict.Family);

        ModelState big = Kit.Ok(Kit.Initial(), new MallocOp(600), new Observation { Address = 0x5000, Events = [new SystemMallocCalled(0x5000, 600)] }).State;
        Assert.True(ReferenceModel.Step(big, new FreeOp(0), new Observation { OwnedAnswer = false }).Verdict.Failed);
        Kit.Ok(big, new FreeOp(0), new Observation { OwnedAnswer = false, Events = [new SystemFreeCalled(0x5000)] });
    }

    [Fact]
    public void Realloc_follows_CPythons_in_place_rule()
    {
        ModelState s = Kit.WithOneBlock(); // 16-byte class
        ModelState kept = Kit.Ok(s, new ReallocOp(0, 13), new Observation { OwnedAnswer = true, Address = Kit.FirstBlock }).State;
        // The block kept in place is a new record (new id, new size); the lookups by address find it, not the old one.
        LiveBlock renewed = kept.Blocks.Single();
        Assert.Equal((13UL, renewed), (renewed.Size, kept.BlockAt(Kit.FirstBlock)));
        Assert.Same(renewed, kept.BlockContaining(Kit.FirstBlock + 15));
        Assert.True(ReferenceModel.Step(s, new ReallocOp(0, 13), new Observation { OwnedAnswer = true, Address = Kit.FirstBlock + 16 }).Verdict.Failed);
        // 12 bytes is not above 3/4 of 16: it must move.
        Assert.True(ReferenceModel.Step(s, new ReallocOp(0, 12), new Observation { OwnedAnswer = true, Address = Kit.FirstBlock }).Verdict.Failed);
        StepResult moved = Kit.Ok(s, new ReallocOp(0, 12), new Observation { OwnedAnswer = true, Address = Kit.FirstBlock + 16 });
        Assert.Equal(Kit.FirstBlock + 16, moved.State.Blocks.Single().Address);
        // realloc(owned, 0) returns a fresh system block.
        Kit.Ok(s, new ReallocOp(0, 0), new Observation { OwnedAnswer = true, Address = 0x9000, Events = [new SystemMallocCalled(0x9000, 0)] });
    }

    [Fact]
    public void Contents_must_survive_and_realloc_keeps_the_prefix()
    {
        ModelState s = Kit.Ok(Kit.WithOneBlock(), new WriteTagOp(0), Observation.None).State;
        int tag = s.Blocks[0].Content.Tag;
        byte[] bytes = new byte[16];
        TagPattern.Fill(tag, bytes);
        Kit.Ok(s, new CheckTagOp(0), new Observation { Content = [.. bytes] });
        bytes[5] ^= 0xFF;
        Assert.Equal(PropertyFamily.Blocks, ReferenceModel.Step(s, new CheckTagOp(0), new Observation { Content = [.. bytes] }).Verdict.Family);

        ModelState grown = Kit.Ok(s, new ReallocOp(0, 100), new Observation { OwnedAnswer = true, Address = Kit.ArenaBase + 4096 + 48 }).State;
        Assert.Equal(16UL, grown.Blocks[0].Content.ValidLength);

        ModelState zero = Kit.Ok(Kit.Initial(), new CallocOp(2, 8), new Observation { Address = Kit.FirstBlock, Events = [new ArenaObtained(Kit.ArenaBase, 65536)] }).State;
        Kit.Ok(zero, new CheckTagOp(0), new Observation { Content = [.. new byte[16]] });
    }

    [Fact]
    public void Returning_an_arena_that_still_holds_a_block_fails()
    {
        StepResult r = ReferenceModel.Step(Kit.WithOneBlock(), new MallocOp(16),
            new Observation { Address = Kit.FirstBlock + 16, Events = [new ArenaReturned(Kit.ArenaBase)] });
        Assert.True(r.Verdict.Failed);
    }

    [Fact]
    public void Finish_requires_every_arena_back()
    {
        ModelState s = Kit.Ok(Kit.WithOneBlock(), new FreeOp(0), new Observation { OwnedAnswer = true }).State;
        Assert.True(ReferenceModel.Finish(s, []).Failed);
        Assert.False(ReferenceModel.Finish(s, [new ArenaReturned(Kit.ArenaBase)]).Failed);
    }

    [Fact]
    public void Operations_on_empty_lists_are_skipped_and_faults_fail()
    {
        Assert.Equal(VerdictKind.Skipped, ReferenceModel.Step(Kit.Initial(), new FreeOp(3), Observation.None).Verdict.Kind);
        Assert.True(ReferenceModel.Step(Kit.Initial(), new MallocOp(1), new Observation { Fault = "boom" }).Verdict.Failed);
        Assert.Equal(PropertyFamily.Invariants, ReferenceModel.Step(Kit.WithOneBlock(), new WriteTagOp(0),
            new Observation { InvariantViolation = "broken" }).Verdict.Family);
    }
}
