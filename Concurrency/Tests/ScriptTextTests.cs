using PymallocVerify.Concurrency.Bugs;
using PymallocVerify.SeededBugs.Races;
using PymallocVerify.Concurrency.Scripts;

namespace PymallocVerify.Concurrency.Tests;

public class ScriptTextTests
{
    [Fact]
    public void EveryStepRoundTrips()
    {
        const string text = "Malloc(64)*3; Calloc(2,8); Realloc(1,100); Free(0); FreeBlock(12); Query(Block(3)+16); " +
                            "Query(Latest(0)-8); Query(Arena(2)+1024); Query(Foreign(0)); Query(0x10); ForeignAlloc(32); ForeignFree(0)";
        var ops = ScriptText.Parse(text);
        Assert.Equal(14, ops.Count);
        Assert.Equal(new ConcurrentQueryOp(new AddressExpr(AddressBase.Latest, 0, -8)), ops[8]);
        Assert.Equal(text, ScriptText.Format(ops));
        Assert.Equal(ops, ScriptText.Parse(ScriptText.Format(ops)));
    }

    [Fact]
    public void CatalogScriptsRoundTrip()
    {
        foreach (var scenario in ScenarioCatalog.All)
        {
            Assert.Equal(scenario.Setup, ScriptText.Parse(ScriptText.Format(scenario.Setup)));
            foreach (var thread in scenario.Threads) Assert.Equal(thread, ScriptText.Parse(ScriptText.Format(thread)));
        }
    }

    [Theory]
    [InlineData("Mallok(3)", "unknown step")]
    [InlineData("Malloc(-1)", "bad argument")]
    [InlineData("Malloc(1,2)", "unknown step")]
    [InlineData("Query(Heap(1))", "not an address expression")]
    [InlineData("Query(Absolute(1))", "not an address expression")]
    [InlineData("Free", "not a script step")]
    [InlineData("Malloc(8)*0", "bad repetition")]
    public void BadStepsAreRefusedWithAMessage(string text, string expected)
    {
        var error = Assert.Throws<ArgumentException>(() => ScriptText.Parse(text));
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void ScenariosOutsideTheThreadRangeAreRefused()
    {
        var one = ScenarioCatalog.RacingMutations with { Threads = [ScriptText.Parse("Malloc(8)")] };
        Assert.Contains("threads", Assert.Throws<ArgumentException>(one.Validate).Message);
        var radixBugOnClassic = ScenarioCatalog.GrowWhileReading.WithBug(new RadixNodeLinkedBeforeFilled());
        Assert.Throws<ArgumentException>(radixBugOnClassic.Validate);
    }

    [Fact]
    public void ModelStepsThatRaceTheAllocatorAreRefused()
    {
        // The model's garbage query writes into pool memory first: in a concurrent script that write would race the heap.
        var garbageQuery = new Model.QueryOp(new Model.LowAddress(16), Model.Garbage.Of(Model.GarbageClass.UIntMax));
        var scenario = ScenarioCatalog.RacingMutations with { Threads = [[garbageQuery], [new Model.MallocOp(8)]] };
        Assert.Contains("not a step of a concurrent script", Assert.Throws<ArgumentException>(scenario.Validate).Message);
        Assert.Contains("bad argument", Assert.Throws<ArgumentException>(() => ScriptText.Parse("Malloc(99999999)")).Message);
    }
}
