namespace PymallocVerify.Model.Tests;

/// <summary>
/// The exact text ProgramPrinter gives every operation, address expression and garbage class: counterexample files
/// and failure reports show it, and a reader replays a case from it by hand.
/// </summary>
public class ProgramPrinterTextTests
{
    [Fact]
    public void Every_operation_prints_with_resolved_names()
    {
        Operation[] ops =
        [
            new MallocOp(24), new CallocOp(3, 8), new ReallocOp(-1, 100), new WriteTagOp(1), new CheckTagOp(0),
            new ForeignAllocOp(64), new ForeignAllocOp(8), new ForeignFreeOp(-1), new FreeOp(0), new FreeOp(0),
            new FreeOp(0), new ReallocOp(0, 1), new WriteTagOp(0), new CheckTagOp(0), new ForeignFreeOp(0), new ForeignFreeOp(0),
            new MallocOp(5),
        ];
        Assert.Equal(
        [
            "b0 = malloc(24)",
            "b1 = calloc(3, 8)",
            "b2 = realloc(b1, 100)",
            "write_tag(b2)",
            "check_tag(b0)",
            "f0 = foreign_alloc(64)",
            "f1 = foreign_alloc(8)",
            "free(f1)   /* foreign: must reach the system free */",
            "free(b0)",
            "free(b2)",
            "free(#0)   /* skipped: nothing to act on */",
            "realloc(#0, 1)   /* skipped: nothing to act on */",
            "write_tag(#0)   /* skipped: nothing to act on */",
            "check_tag(#0)   /* skipped: nothing to act on */",
            "free(f0)   /* foreign: must reach the system free */",
            "foreign_free(#0)   /* skipped: nothing to act on */",
            "b3 = malloc(5)",
        ], ProgramPrinter.Lines(ops));
    }

    [Fact]
    public void Print_numbers_lines_and_appends_only_non_empty_comments()
    {
        Operation[] ops = [new MallocOp(1), new FreeOp(0), new MallocOp(2)];
        string text = ProgramPrinter.Print(ops, i => i switch { 0 => "first", 1 => "", _ => null });
        Assert.Equal("  1: b0 = malloc(1)   // first\n  2: free(b0)\n  3: b1 = malloc(2)\n", text);
        Assert.Equal("  1: b0 = malloc(1)\n", ProgramPrinter.Print([new MallocOp(1)]));
        Assert.Equal("", ProgramPrinter.Print([]));
    }

    [Theory]
    [InlineData(0, "b0")]
    [InlineData(1, "end(b0) + 16")]
    [InlineData(2, "pool(b0) - 1")]
    [InlineData(3, "pool_end(b0)")]
    [InlineData(4, "arena[0] + 5")]
    [InlineData(5, "arena_end[1] - 9223372036854775808")]
    [InlineData(6, "f0 - 3")]
    [InlineData(7, "freed_arena[2] + 0x1f")]
    [InlineData(8, "0x2a")]
    [InlineData(9, "0xffffffffffffffff")]
    [InlineData(10, "0xffffffffffffffff - 0x10")]
    [InlineData(11, "end(<no block>)")]
    [InlineData(12, "<no foreign block>")]
    [InlineData(13, "pool(<no block>)")]
    [InlineData(14, "pool_end(<no block>) + 1")]
    [InlineData(15, "<no block> - 2")]
    public void Every_address_expression_prints(int index, string expected)
    {
        AddressExpression[] expressions =
        [
            new BlockAddress(0, Edge.Start, 0), new BlockAddress(0, Edge.End, 16), new PoolAddress(0, Edge.Start, -1),
            new PoolAddress(0, Edge.End, 0), new ArenaAddress(0, Edge.Start, 5), new ArenaAddress(1, Edge.End, long.MinValue),
            new ForeignAddress(0, -3), new FreedArenaAddress(2, 0x1f), new LowAddress(42), new TopAddress(0), new TopAddress(16),
            new BlockAddress(9, Edge.End, 0), new ForeignAddress(9, 0), new PoolAddress(9, Edge.Start, 0),
            new PoolAddress(9, Edge.End, 1), new BlockAddress(9, Edge.Start, -2),
        ];
        static string? Known(int h) => h == 9 ? null : $"b{h}";
        static string? KnownForeign(int h) => h == 9 ? null : $"f{h}";
        Assert.Equal(expected, ProgramPrinter.Address(expressions[index], Known, KnownForeign));
    }

    [Theory]
    [InlineData(GarbageClass.TableSize, 0u, "maxarenas")]
    [InlineData(GarbageClass.TableSizePlusOne, 0u, "maxarenas + 1")]
    [InlineData(GarbageClass.UIntMax, 0u, "0xffffffff")]
    [InlineData(GarbageClass.NeverUsedSlot, 3u, "never_used_slot[3]")]
    [InlineData(GarbageClass.ReleasedSlot, 4u, "released_slot[4]")]
    [InlineData(GarbageClass.LiveSlot, 5u, "live_slot[5]")]
    [InlineData(GarbageClass.AdjacentArenaSlot, 6u, "slot_of_adjacent_arena")]
    [InlineData(GarbageClass.Random, 255u, "0xff")]
    public void Every_garbage_class_prints(GarbageClass garbageClass, uint value, string expected) =>
        Assert.Equal(expected, ProgramPrinter.GarbageText(new Garbage(garbageClass, value)));

    [Fact]
    public void Operation_names_show_the_raw_symbolic_arguments()
    {
        Assert.Equal("malloc(7)", ProgramPrinter.OperationName(new MallocOp(7)));
        Assert.Equal("calloc(2, 9)", ProgramPrinter.OperationName(new CallocOp(2, 9)));
        Assert.Equal("realloc(#-1, 30)", ProgramPrinter.OperationName(new ReallocOp(-1, 30)));
        Assert.Equal("free(#2)", ProgramPrinter.OperationName(new FreeOp(2)));
        Assert.Equal("foreign_alloc(12)", ProgramPrinter.OperationName(new ForeignAllocOp(12)));
        Assert.Equal("foreign_free(#1)", ProgramPrinter.OperationName(new ForeignFreeOp(1)));
        Assert.Equal("is_owned(#3 + 1, garbage = maxarenas)",
            ProgramPrinter.OperationName(new QueryOp(new BlockAddress(3, Edge.Start, 1), Garbage.Of(GarbageClass.TableSize))));
        Assert.Equal("is_owned(#1 - 4, garbage = live_slot[0])",
            ProgramPrinter.OperationName(new QueryOp(new ForeignAddress(1, -4), Garbage.Of(GarbageClass.LiveSlot))));
        Assert.Equal("write_tag(#4)", ProgramPrinter.OperationName(new WriteTagOp(4)));
        Assert.Equal("check_tag(#5)", ProgramPrinter.OperationName(new CheckTagOp(5)));
        Assert.Equal("check_tag(#5)", ReferenceModel.Describe(new CheckTagOp(5)));
    }

    [Fact]
    public void A_query_line_names_the_live_block_and_foreign_block_it_refers_to()
    {
        Operation[] ops =
        [
            new MallocOp(8), new ForeignAllocOp(8),
            new QueryOp(new BlockAddress(0, Edge.Start, 0), Garbage.Of(GarbageClass.TableSize)),
            new QueryOp(new ForeignAddress(0, 0), Garbage.Of(GarbageClass.TableSize)),
            new FreeOp(0), new ForeignFreeOp(0),
            new QueryOp(new BlockAddress(0, Edge.Start, 0), Garbage.Of(GarbageClass.TableSize)),
            new QueryOp(new ForeignAddress(0, 0), Garbage.Of(GarbageClass.TableSize)),
        ];
        IReadOnlyList<string> lines = ProgramPrinter.Lines(ops);
        Assert.Equal("is_owned(b0, garbage = maxarenas)", lines[2]);
        Assert.Equal("is_owned(f0, garbage = maxarenas)", lines[3]);
        Assert.Equal("is_owned(<no block>, garbage = maxarenas)", lines[6]);
        Assert.Equal("is_owned(<no foreign block>, garbage = maxarenas)", lines[7]);
    }
}
