using Xunit;

namespace PymallocVerify.Model.Tests;

public class CounterexampleFileTests
{
    private static Counterexample Sample() => new()
    {
        Geometry = Kit.Geometry,
        Oracle = "PoolIndex",
        Variant = "inclusive-bound",
        ReplaySeed = "(1,3,10)",
        ArenaHeadOffsets = [0, 16],
        Operations =
        [
            new MallocOp(1), new CallocOp(2, 3), new ReallocOp(-1, 9), new FreeOp(0), new ForeignAllocOp(5), new ForeignFreeOp(0),
            new QueryOp(new ArenaAddress(0, Edge.End, 0), new Garbage(GarbageClass.Random, 0xdeadbeef)),
            new QueryOp(new FreedArenaAddress(1, 4096), Garbage.Of(GarbageClass.ReleasedSlot)),
            new QueryOp(new TopAddress(0), Garbage.Of(GarbageClass.TableSize)),
            new WriteTagOp(0), new CheckTagOp(0),
        ],
        GarbageValues = [new GarbageRecord(6, GarbageClass.Random, 0xdeadbeef, GarbageDelivery.Written)],
        Failure = new FailureRecord(6, PropertyFamily.Ownership, "NotOwned ⇒ false", "true", "boom"),
    };

    [Fact]
    public void Round_trips()
    {
        Counterexample original = Sample();
        Counterexample read = CounterexampleFile.Parse(CounterexampleFile.Serialize(original));
        for (int i = 0; i < original.Operations.Length; i++) Assert.Equal(original.Operations[i], read.Operations[i]);
        Assert.Equal(original.Geometry, read.Geometry);
        Assert.Equal([0, 16], read.ArenaHeadOffsets.ToArray());
        Assert.Equal(original.GarbageValues.ToArray(), read.GarbageValues.ToArray());
        Assert.Equal(original.Failure, read.Failure);
        Assert.Contains("\"op\": \"malloc\"", CounterexampleFile.Serialize(original));
    }

    [Theory]
    [InlineData("{ not json", "line 1: ")]
    [InlineData("[]", "expected a JSON object")]
    [InlineData("{\"version\":1}", "\"format\" must be")]
    [InlineData("{\"format\":\"pymalloc-verify/counterexample\",\"version\":99}", "written by format version 99")]
    [InlineData("{\"format\":\"pymalloc-verify/counterexample\",\"version\":\"one\"}", "non-integer \"version\"")]
    [InlineData("{\"format\":\"pymalloc-verify/counterexample\",\"version\":1,\"oracle\":\"PoolIndex\",\"operations\":[]}", "missing field \"geometry\"")]
    public void Bad_files_give_one_line_errors(string json, string expected)
    {
        var e = Assert.Throws<CounterexampleFormatException>(() => CounterexampleFile.Parse(json, "x.json"));
        Assert.StartsWith("x.json: ", e.Message);
        Assert.Contains(expected, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Invalid_contents_are_rejected_with_the_reason()
    {
        string good = CounterexampleFile.Serialize(Sample());
        Assert.Contains("unknown kind \"teleport\"", Assert.Throws<CounterexampleFormatException>(() =>
            CounterexampleFile.Parse(good.Replace("\"foreignAlloc\"", "\"teleport\""))).Message);
        Assert.Contains("malloc size", Assert.Throws<CounterexampleFormatException>(() =>
            CounterexampleFile.Parse(good.Replace("\"size\": 1", "\"size\": -4"))).Message);
        Assert.Contains("pool size", Assert.Throws<CounterexampleFormatException>(() =>
            CounterexampleFile.Parse(good.Replace("\"poolSize\": 4096", "\"poolSize\": 1000"))).Message);
    }

    [Fact]
    public void Missing_file_is_a_format_error_not_a_crash()
    {
        var e = Assert.Throws<CounterexampleFormatException>(() => CounterexampleFile.Read("/nonexistent/dir/cx.json"));
        Assert.Contains("cannot read", e.Message);
    }

    [Fact]
    public void A_file_that_leaves_out_the_optional_fields_reads_with_their_defaults()
    {
        var minimal = new Counterexample { Geometry = Kit.Geometry, Oracle = "RadixTree", Operations = [new MallocOp(1)] };
        var json = System.Text.Json.Nodes.JsonNode.Parse(CounterexampleFile.Serialize(minimal))!.AsObject();
        Assert.True(json.Remove("variant"));
        Assert.True(json.Remove("arenaHeadOffsets"));
        Counterexample read = CounterexampleFile.Parse(json.ToJsonString());
        Assert.Equal("real", read.Variant);
        Assert.Equal(0, Assert.Single(read.ArenaHeadOffsets));
        Assert.Equal(Counterexample.FormatName, read.Format);
        Assert.Equal(Counterexample.CurrentVersion, read.Version);
        Assert.Null(read.CPython);
        Assert.False(read.ShrinkingIncomplete);
    }

    [Theory]
    [InlineData(null, "cpython 3.9")]
    [InlineData("port", "cpython 3.9 differential")]
    [InlineData("inclusive-bound", "cpython 3.9 differential against inclusive-bound")]
    public void A_cpython_subject_names_what_it_was_compared_with(string? port, string expected) =>
        Assert.Equal(expected, new CPythonSubject("3.9", port).ToString());

    [Fact]
    public void An_operation_may_name_its_kind_after_its_arguments()
    {
        var minimal = new Counterexample { Geometry = Kit.Geometry, Oracle = "RadixTree", Operations = [new MallocOp(1)] };
        var json = System.Text.Json.Nodes.JsonNode.Parse(CounterexampleFile.Serialize(minimal))!.AsObject();
        json["operations"] = new System.Text.Json.Nodes.JsonArray(new System.Text.Json.Nodes.JsonObject { ["size"] = 24, ["op"] = "malloc" });
        Assert.Equal(new MallocOp(24), Assert.Single(CounterexampleFile.Parse(json.ToJsonString()).Operations));
    }
}
