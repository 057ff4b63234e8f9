using PymallocVerify.Model.Linearizability;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// Kinds the model does not know (a new operation, address, garbage class or history call added without its case) are
/// refused by name instead of being treated as some known kind; the printer still shows something readable.
/// </summary>
public class UnknownKindTests
{
    private sealed record NewOp : Operation;

    private sealed record NewAddress : AddressExpression
    {
        public override AddressKind Kind => AddressKind.Low;
    }

    private sealed record NewCall : HeapCall;

    [Fact]
    public void The_model_refuses_an_operation_it_does_not_know()
    {
        var e = Assert.Throws<ArgumentException>(() => ReferenceModel.Step(Kit.Initial(), new NewOp(), Observation.None));
        Assert.Equal("unknown operation NewOp", e.Message);
        Assert.Equal("NewOp", ProgramPrinter.OperationName(new NewOp()));
        Assert.Equal(["NewOp   /* skipped: nothing to act on */"], ProgramPrinter.Lines([new NewOp()]));
    }

    [Fact]
    public void The_resolver_refuses_an_address_or_garbage_class_it_does_not_know()
    {
        var e = Assert.Throws<ArgumentException>(() => AddressResolver.Resolve(Kit.Initial(), new NewAddress()));
        Assert.Equal("unknown address expression NewAddress", e.Message);
        Assert.Equal("NewAddress { Kind = Low }", ProgramPrinter.Address(new NewAddress(), _ => null, _ => null));
        var g = Assert.Throws<ArgumentException>(() => GarbageResolver.Resolve(new Garbage((GarbageClass)99), ArenaTableView.Empty(65536), 0));
        Assert.Equal("unknown garbage class 99", g.Message);
    }

    [Fact]
    public void The_history_spec_refuses_a_call_it_does_not_know()
    {
        var spec = new HeapHistorySpec(arenaSize: 1024, poolSize: 256);
        var e = Assert.Throws<ArgumentException>(() => spec.Step(HeapSpecState.Empty, new NewCall()));
        Assert.Equal("unknown heap call NewCall { } (Parameter 'call')", e.Message);
    }

    [Fact]
    public void History_calls_print_as_the_checker_reports_them()
    {
        Assert.Equal("Malloc(16) = 0x10", new MallocCall(16, 0x10).ToString());
        Assert.Equal("Calloc(2, 8) = 0", new CallocCall(2, 8, 0).ToString());
        Assert.Equal("Realloc(0x10, 40) = 0x20", new ReallocCall(0x10, 40, 0x20).ToString());
        Assert.Equal("Free(0x20)", new FreeCall(0x20).ToString());
        Assert.Equal("IsOwned(0x20) = true", new IsOwnedCall(0x20, true).ToString());
        Assert.Equal("IsOwned(0) = false", new IsOwnedCall(0, false).ToString());
        Assert.Equal("ForeignAlloc(8) = 0x30", new ForeignAllocCall(8, 0x30).ToString());
        Assert.Equal("ForeignFree(0x30)", new ForeignFreeCall(0x30).ToString());
        Assert.Equal("<arena 0x400 mapped>", new ArenaMappedEvent(0x400).ToString());
        Assert.Equal("<arena 0x400 unmapped>", new ArenaUnmappedEvent(0x400).ToString());
    }
}
