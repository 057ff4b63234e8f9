using Xunit;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// The reference model's placement and realloc rules at their exact edges: a block or pool that ends exactly where
/// its container ends fits, one byte more does not; blocks that touch do not overlap; a block that moved or grew in
/// place leaves nothing of its old extent behind.
/// </summary>
public class ReferenceModelEdgeTests
{
    private const ulong A = Kit.ArenaBase;

    private static Observation Owned(ulong address, params SystemEvent[] events) => new() { OwnedAnswer = true, Address = address, Events = [.. events] };

    private static Observation NotOwned(ulong address, params SystemEvent[] events) => new() { OwnedAnswer = false, Address = address, Events = [.. events] };

    private static StepVerdict Malloc(ModelState s, int bytes, ulong address, params SystemEvent[] events) =>
        ReferenceModel.Step(s, new MallocOp(bytes), new Observation { Address = address, Events = [.. events] }).Verdict;

    private static ModelState SystemBlock(int bytes, ulong address) =>
        Kit.Ok(Kit.Initial(), new MallocOp(bytes), new Observation { Address = address, Events = [new SystemMallocCalled(address, (ulong)bytes)] }).State;

    [Fact]
    public void A_step_needs_all_three_arguments()
    {
        ModelState s = Kit.Initial();
        Operation op = new MallocOp(16);
        Assert.Equal("state", Assert.Throws<ArgumentNullException>(() => ReferenceModel.Step(null!, op, Observation.None)).ParamName);
        Assert.Equal("op", Assert.Throws<ArgumentNullException>(() => ReferenceModel.Step(s, null!, Observation.None)).ParamName);
        Assert.Equal("observed", Assert.Throws<ArgumentNullException>(() => ReferenceModel.Step(s, op, null!)).ParamName);
    }

    [Fact]
    public void A_pool_block_fits_up_to_the_last_byte_of_its_pool_and_its_arena()
    {
        SystemEvent arena = new ArenaObtained(A, 65536);
        Assert.False(Malloc(Kit.Initial(), 16, A + 4096 - 16, arena).Failed);          // the pool's last 16-byte block
        Assert.False(Malloc(Kit.Initial(), 16, A + 65536 - 4096 + 48, arena).Failed);  // the arena's last pool
        // An arena that is not pool-aligned loses the pool its base falls in.
        SystemEvent unaligned = new ArenaObtained(A + 16, 65536);
        Assert.Equal("FAIL [Blocks] block 0x100030's pool 0x100000 is not wholly inside arena 0x100010 (expected a pymalloc block; observed 0x100030)",
            Malloc(Kit.Initial(), 16, A + 48, unaligned).ToString());
        Assert.False(Malloc(Kit.Initial(), 16, A + 4096 + 48, unaligned).Failed);
    }

    [Fact]
    public void Blocks_that_touch_a_foreign_block_do_not_overlap_it()
    {
        const ulong foreign = 0x800000;
        ModelState s = Kit.Ok(Kit.Initial(), new ForeignAllocOp(64), new Observation { Address = foreign }).State;
        Assert.False(Malloc(s, 600, foreign + 64, new SystemMallocCalled(foreign + 64, 600)).Failed);
        Assert.False(Malloc(s, 600, foreign - 600, new SystemMallocCalled(foreign - 600, 600)).Failed);
        Assert.Equal("new block 0x800038 overlaps foreign block f0", Malloc(s, 600, foreign + 56, new SystemMallocCalled(foreign + 56, 600)).Message);
        Assert.Equal("new block 0x7ffda9 overlaps foreign block f0", Malloc(s, 600, foreign - 599, new SystemMallocCalled(foreign - 599, 600)).Message);
    }

    [Fact]
    public void A_system_block_occupies_exactly_its_size()
    {
        ModelState s = SystemBlock(600, 0x5000);
        Assert.False(Malloc(s, 600, 0x5000 + 600, new SystemMallocCalled(0x5000 + 600, 600)).Failed);
        Assert.Equal("new block [0x5257, +600) overlaps live b0 at 0x5000", Malloc(s, 600, 0x5000 + 599, new SystemMallocCalled(0x5000 + 599, 600)).Message);
        ModelState empty = SystemBlock(0, 0x5000);
        Assert.Equal("new block [0x5000, +1) overlaps live b0 at 0x5000", Malloc(empty, 0, 0x5000, new SystemMallocCalled(0x5000, 0)).Message);
    }

    [Fact]
    public void A_system_realloc_checks_and_records_the_new_extent()
    {
        ModelState s = SystemBlock(600, 0x5000);
        ModelState grown = Kit.Ok(s, new ReallocOp(0, 700), NotOwned(0x5000, new SystemReallocCalled(0x5000, 0x5000, 700))).State;
        Assert.Equal(700UL, grown.Blocks.Single().Capacity);
        Assert.Equal("new block [0x5200, +600) overlaps live b1 at 0x5000",
            Malloc(grown, 600, 0x5200, new SystemMallocCalled(0x5200, 600)).Message);

        ModelState moved = Kit.Ok(s, new ReallocOp(0, 700), NotOwned(0x9000, new SystemReallocCalled(0x5000, 0x9000, 700))).State;
        Assert.False(Malloc(moved, 600, 0x5000, new SystemMallocCalled(0x5000, 600)).Failed); // nothing left at the old place

        ModelState two = Kit.Ok(s, new MallocOp(600), new Observation { Address = 0x9100, Events = [new SystemMallocCalled(0x9100, 600)] }).State;
        StepVerdict onto = ReferenceModel.Step(two, new ReallocOp(0, 700), NotOwned(0x9000, new SystemReallocCalled(0x5000, 0x9000, 700))).Verdict;
        Assert.Equal("new block [0x9000, +700) overlaps live b1 at 0x9100", onto.Message);
    }

    [Fact]
    public void A_pymalloc_realloc_keeps_a_full_block_in_place_and_a_move_frees_the_old_place()
    {
        ModelState s = Kit.WithOneBlock(); // b0: 16 bytes in the 16-byte class
        Kit.Ok(s, new ReallocOp(0, 16), Owned(Kit.FirstBlock));
        ModelState moved = Kit.Ok(s, new ReallocOp(0, 12), Owned(Kit.FirstBlock + 16)).State;
        Assert.False(Malloc(moved, 16, Kit.FirstBlock).Failed);
    }

    [Fact]
    public void A_shrinking_realloc_keeps_only_the_prefix_that_still_fits()
    {
        ModelState tagged = Kit.Ok(Kit.WithOneBlock(), new WriteTagOp(0), Observation.None).State;
        ModelState shrunk = Kit.Ok(tagged, new ReallocOp(0, 13), Owned(Kit.FirstBlock)).State;
        Assert.Equal(13UL, shrunk.Blocks.Single().Content.ValidLength);
        Assert.Equal(tagged.Blocks.Single().Content.Tag, shrunk.Blocks.Single().Content.Tag);
    }

    [Fact]
    public void Checking_a_block_with_nothing_known_needs_no_content()
    {
        Kit.Ok(Kit.WithOneBlock(), new CheckTagOp(0), Observation.None);
        Kit.Ok(Kit.WithOneBlock(), new CheckTagOp(0), new Observation { Content = default }); // an unset array reads as empty
    }
}
