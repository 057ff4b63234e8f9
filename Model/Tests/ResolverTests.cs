using Xunit;

namespace PymallocVerify.Model.Tests;

public class ResolverTests
{
    [Fact]
    public void Handles_wrap_and_count_back_from_the_end()
    {
        Assert.Equal(-1, ModelState.SlotOf(0, 0));
        Assert.Equal(2, ModelState.SlotOf(5, 3));
        Assert.Equal(2, ModelState.SlotOf(-1, 3));
        Assert.Equal(0, ModelState.SlotOf(int.MinValue, 2));
    }

    [Fact]
    public void Address_expressions_resolve_against_the_state()
    {
        ModelState s = Kit.WithOneBlock();
        Assert.Equal(Kit.FirstBlock + 16, AddressResolver.Resolve(s, new BlockAddress(7, Edge.End, 0)));
        Assert.Equal(Kit.ArenaBase - 1, AddressResolver.Resolve(s, new PoolAddress(0, Edge.Start, -1)));
        Assert.Equal(Kit.ArenaBase + 4096, AddressResolver.Resolve(s, new PoolAddress(0, Edge.End, 0)));
        Assert.Equal(Kit.ArenaBase + 65536, AddressResolver.Resolve(s, new ArenaAddress(-1, Edge.End, 0)));
        Assert.Equal(5UL, AddressResolver.Resolve(s, new LowAddress(65536 + 5)));
        Assert.Equal(ulong.MaxValue - 3, AddressResolver.Resolve(s, new TopAddress(3)));
        Assert.Null(AddressResolver.Resolve(s, new ForeignAddress(0, 0)));
        Assert.Null(AddressResolver.Resolve(s, new FreedArenaAddress(0, 0)));
        Assert.Null(AddressResolver.Resolve(Kit.Initial(), new BlockAddress(0, Edge.Start, 0)));
    }

    [Fact]
    public void Garbage_classes_resolve_and_fall_back_to_what_exists()
    {
        var table = new ArenaTableView([0x100000, 0, 0x300000, 0], new HashSet<int> { 0, 1, 2 }, 0x10000);
        (uint, GarbageClass) R(GarbageClass c, ulong p, uint v = 0) => GarbageResolver.Resolve(new Garbage(c, v), table, p);
        Assert.Equal((4u, GarbageClass.TableSize), R(GarbageClass.TableSize, 0));
        Assert.Equal((5u, GarbageClass.TableSizePlusOne), R(GarbageClass.TableSizePlusOne, 0));
        Assert.Equal((uint.MaxValue, GarbageClass.UIntMax), R(GarbageClass.UIntMax, 0));
        Assert.Equal((3u, GarbageClass.NeverUsedSlot), R(GarbageClass.NeverUsedSlot, 0));
        Assert.Equal((1u, GarbageClass.ReleasedSlot), R(GarbageClass.ReleasedSlot, 0));
        Assert.Equal((2u, GarbageClass.LiveSlot), R(GarbageClass.LiveSlot, 0, 1));
        Assert.Equal((2u, GarbageClass.AdjacentArenaSlot), R(GarbageClass.AdjacentArenaSlot, 0x2FFFF0));
        Assert.Equal((0u, GarbageClass.AdjacentArenaSlot), R(GarbageClass.AdjacentArenaSlot, 0x110000));
        Assert.Equal((77u, GarbageClass.Random), R(GarbageClass.Random, 0, 77));

        var fresh = new ArenaTableView([0x100000, 0], new HashSet<int> { 0 }, 0x10000);
        Assert.Equal((1u, GarbageClass.NeverUsedSlot), GarbageResolver.Resolve(Garbage.Of(GarbageClass.ReleasedSlot), fresh, 0));
        var empty = ArenaTableView.Empty(0x10000);
        Assert.Equal((0u, GarbageClass.TableSize), GarbageResolver.Resolve(Garbage.Of(GarbageClass.AdjacentArenaSlot), empty, 0));
    }

    [Fact]
    public void Garbage_picks_the_parameter_th_member_and_falls_back_when_a_class_is_empty()
    {
        var table = new ArenaTableView([0, 0x100000, 0, 0, 0x300000, 0], new HashSet<int> { 0, 1, 2, 4 }, 0x10000);
        (uint, GarbageClass) R(GarbageClass c, uint v, ArenaTableView? t = null) => GarbageResolver.Resolve(new Garbage(c, v), t ?? table, 0);
        Assert.Equal((3u, GarbageClass.NeverUsedSlot), R(GarbageClass.NeverUsedSlot, 0));
        Assert.Equal((5u, GarbageClass.NeverUsedSlot), R(GarbageClass.NeverUsedSlot, 3));
        Assert.Equal((0u, GarbageClass.ReleasedSlot), R(GarbageClass.ReleasedSlot, 2));
        Assert.Equal((2u, GarbageClass.ReleasedSlot), R(GarbageClass.ReleasedSlot, 1));
        Assert.Equal((1u, GarbageClass.LiveSlot), R(GarbageClass.LiveSlot, 4));
        Assert.Equal((4u, GarbageClass.LiveSlot), R(GarbageClass.LiveSlot, 7));

        var allLiveOrReleased = new ArenaTableView([0x100000, 0], new HashSet<int> { 0, 1 }, 0x10000);
        Assert.Equal((2u, GarbageClass.TableSize), R(GarbageClass.NeverUsedSlot, 0, allLiveOrReleased));
        var noneLive = new ArenaTableView([0, 0, 0], new HashSet<int>(), 0x10000);
        Assert.Equal((3u, GarbageClass.TableSize), R(GarbageClass.LiveSlot, 0, noneLive));
        Assert.Equal((0u, GarbageClass.NeverUsedSlot), R(GarbageClass.ReleasedSlot, 2, noneLive)); // the simpler class, from its first member
        Assert.Equal("unknown garbage class 99", Assert.Throws<ArgumentException>(() => R((GarbageClass)99, 0)).Message);
    }

    [Theory]
    [InlineData(0x100000UL, 0u)]   // inside the first arena
    [InlineData(0x10FFFFUL, 0u)]   // its last byte
    [InlineData(0x110000UL, 0u)]   // one past it: distance 1 from its last byte
    [InlineData(0x117FFFUL, 0u)]
    [InlineData(0x118000UL, 0u)]   // equally far from both: the first slot wins
    [InlineData(0x118001UL, 1u)]
    [InlineData(0x120001UL, 1u)]   // the second arena's base
    [InlineData(0x0FFFFFUL, 0u)]   // below every arena
    public void The_adjacent_arena_is_the_nearest_by_its_extent(ulong address, uint slot)
    {
        var table = new ArenaTableView([0x100000, 0, 0x120001], new HashSet<int> { 0, 2 }, 0x10000);
        uint expected = slot == 0 ? 0u : 2u;
        Assert.Equal((expected, GarbageClass.AdjacentArenaSlot), GarbageResolver.Resolve(Garbage.Of(GarbageClass.AdjacentArenaSlot), table, address));
    }

    [Fact]
    public void Of_two_touching_arenas_the_one_holding_the_address_is_adjacent()
    {
        var touching = new ArenaTableView([0x100000, 0x110000], new HashSet<int> { 0, 1 }, 0x10000);
        Assert.Equal((1u, GarbageClass.AdjacentArenaSlot), GarbageResolver.Resolve(Garbage.Of(GarbageClass.AdjacentArenaSlot), touching, 0x110000));
        Assert.Equal((0u, GarbageClass.AdjacentArenaSlot), GarbageResolver.Resolve(Garbage.Of(GarbageClass.AdjacentArenaSlot), touching, 0x10FFFF));
    }

    [Fact]
    public void A_freed_arena_address_wraps_its_offset_inside_that_arena()
    {
        ModelState s = Kit.Initial() with { ReleasedArenas = [new ReleasedArena(0, 0x500000, 65536), new ReleasedArena(1, 0x700000, 65536)] };
        Assert.Equal(0x700000UL + 5, AddressResolver.Resolve(s, new FreedArenaAddress(0, 65536 + 5)));
        Assert.Equal(0x500000UL + 0x1f, AddressResolver.Resolve(s, new FreedArenaAddress(1, 0x1f)));
    }

    [Fact]
    public void Printer_names_handles_like_the_model_does()
    {
        Operation[] ops =
        [
            new MallocOp(1), new MallocOp(600), new ReallocOp(0, 40), new FreeOp(-1),
            new ForeignAllocOp(8), new QueryOp(new ForeignAddress(0, 16), Garbage.Of(GarbageClass.UIntMax)),
            new QueryOp(new ArenaAddress(0, Edge.End, -1), Garbage.Of(GarbageClass.AdjacentArenaSlot)),
            new ForeignFreeOp(0), new CheckTagOp(0), new FreeOp(0), new FreeOp(0),
        ];
        string program = ProgramPrinter.Print(ops);
        Assert.Contains("b0 = malloc(1)", program);
        Assert.Contains("b2 = realloc(b0, 40)", program);
        Assert.Contains("free(b1)", program);
        Assert.Contains("is_owned(f0 + 16, garbage = 0xffffffff)", program);
        Assert.Contains("is_owned(arena_end[0] - 1, garbage = slot_of_adjacent_arena)", program);
        Assert.Contains("check_tag(b2)", program);
        Assert.Contains("free(#0)   /* skipped", program);
    }
}
