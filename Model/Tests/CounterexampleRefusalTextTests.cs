using System.Text.Json.Nodes;
using Xunit;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// The exact one-line refusal for each way a counterexample file can be wrong, and the edges of each cap that a file
/// may just reach: <c>replay</c> prints these lines, so a reader must be told which field is wrong and why.
/// </summary>
public class CounterexampleRefusalTextTests
{
    /// <summary>A minimal valid file: the geometry of <see cref="Kit"/>, one malloc.</summary>
    private static JsonObject Minimal() => (JsonObject)JsonNode.Parse(CounterexampleFile.Serialize(new Counterexample
    {
        Geometry = Kit.Geometry,
        Oracle = "PoolIndex",
        Operations = [new MallocOp(1)],
    }))!;

    private static JsonObject With(string key, JsonNode? value)
    {
        JsonObject root = Minimal();
        root[key] = value;
        return root;
    }

    private static JsonObject Without(string key)
    {
        JsonObject root = Minimal();
        root.Remove(key);
        return root;
    }

    private static JsonArray Ops(params string[] operations) => new([.. operations.Select(o => JsonNode.Parse(o))]);

    private static JsonArray Repeat(int times, string operation) => Ops([.. Enumerable.Repeat(operation, times)]);

    public static IEnumerable<object[]> Refusals() => RefusalCases().Select(c => new object[] { c.Name });

    private static IEnumerable<(string Name, Func<string> Json, string Message)> RefusalCases()
    {
        static Func<string> F(Func<JsonNode> n) => () => n().ToJsonString();
        yield return ("array", () => "[]", "not a counterexample file (expected a JSON object)");
        yield return ("null", () => "null", "not a counterexample file (expected a JSON object)");
        yield return ("format missing", F(() => Without("format")), "not a counterexample file (\"format\" must be \"pymalloc-verify/counterexample\")");
        yield return ("format a number", F(() => With("format", 1)), "not a counterexample file (\"format\" must be \"pymalloc-verify/counterexample\")");
        yield return ("format another name", F(() => With("format", "pymalloc-verify/trace")), "not a counterexample file (\"format\" must be \"pymalloc-verify/counterexample\")");
        yield return ("version missing", F(() => Without("version")), "missing or non-integer \"version\"");
        yield return ("version a string", F(() => With("version", "1")), "missing or non-integer \"version\"");
        yield return ("version a fraction", F(() => With("version", 1.5)), "missing or non-integer \"version\"");
        yield return ("version newer", F(() => With("version", 2)), "written by format version 2; this build reads versions up to 1 — update pymalloc-verify");
        yield return ("version zero", F(() => With("version", 0)), "invalid format version 0");
        yield return ("oracle empty", F(() => With("oracle", "")), "missing \"oracle\"");
        yield return ("oracle blank", F(() => With("oracle", "  ")), "missing \"oracle\"");
        yield return ("oracle unknown", F(() => With("oracle", "Bitmap")), "at $.oracle: unknown oracle \"Bitmap\"; expected one of: PoolIndex, RadixTree");
        yield return ("no operations", F(() => With("operations", new JsonArray())), "at $.operations: a counterexample needs at least one operation");
        yield return ("operation null", F(() => With("operations", Ops("{\"op\":\"malloc\",\"size\":1}", "null"))), "operation 1 is null");
        yield return ("operation out of range", F(() => With("operations", Ops("{\"op\":\"free\",\"handle\":0}", "{\"op\":\"realloc\",\"handle\":0,\"size\":-4}"))),
            "at $.operations[1]: realloc size must be in 0..16777216; got -4");
        yield return ("geometry invalid", F(() => With("geometry", JsonNode.Parse("{\"name\":\"g\",\"alignment\":16,\"poolSize\":1000,\"arenaSize\":65536,\"smallRequestThreshold\":512}"))),
            "invalid model geometry 'g': pool size must be a power of two; got 1000");
        yield return ("callocs over the program cap", F(() => With("operations", Repeat(17, "{\"op\":\"calloc\",\"count\":4096,\"size\":4096}"))),
            "at $.operations[16]: the program requests more than 256 MiB in all, the cap");
        yield return ("reallocs over the program cap", F(() => With("operations", Repeat(17, "{\"op\":\"realloc\",\"handle\":0,\"size\":16777216}"))),
            "at $.operations[16]: the program requests more than 256 MiB in all, the cap");
        yield return ("foreign blocks over the program cap", F(() => With("operations", Repeat(17, "{\"op\":\"foreignAlloc\",\"size\":16777216}"))),
            "at $.operations[16]: the program requests more than 256 MiB in all, the cap");
        yield return ("no arena head offset", F(() => With("arenaHeadOffsets", new JsonArray())), "at $.arenaHeadOffsets: give at least one offset, or leave the field out for [0]");
        yield return ("negative arena head offset", F(() => With("arenaHeadOffsets", new JsonArray(0, -16))), "arena head offset -16 must be a multiple of 16 in [0, pool size)");
        yield return ("arena head offset of a whole pool", F(() => With("arenaHeadOffsets", new JsonArray(4096))), "arena head offset 4096 must be a multiple of 16 in [0, pool size)");
        yield return ("unaligned arena head offset", F(() => With("arenaHeadOffsets", new JsonArray(8))), "arena head offset 8 must be a multiple of 16 in [0, pool size)");
        yield return ("operation without its kind", F(() => With("operations", Ops("{\"size\":1}"))), "at $.operations[0]: missing its kind (\"op\" or \"at\")");
        yield return ("too many operations", F(() => With("operations", Repeat(CounterexampleFile.MaxOperations + 1, "{\"op\":\"free\",\"handle\":0}"))),
            "100001 operations; a file may hold at most 100000");
    }

    [Theory]
    [MemberData(nameof(Refusals))]
    public void Each_refusal_names_the_source_and_the_problem_exactly(string name)
    {
        var (_, json, message) = RefusalCases().Single(c => c.Name == name);
        var e = Assert.Throws<CounterexampleFormatException>(() => CounterexampleFile.Parse(json(), "cx.json"));
        Assert.Equal($"cx.json: {message}", e.Message);
    }

    [Fact]
    public void A_file_may_reach_each_cap_exactly()
    {
        JsonObject atByteCap = With("operations", Repeat(16, "{\"op\":\"malloc\",\"size\":16777216}"));
        Assert.Equal(16, CounterexampleFile.Parse(atByteCap.ToJsonString()).Operations.Length);
        JsonObject atOperationCap = With("operations", Repeat(CounterexampleFile.MaxOperations, "{\"op\":\"free\",\"handle\":0}"));
        Assert.Equal(CounterexampleFile.MaxOperations, CounterexampleFile.Parse(atOperationCap.ToJsonString()).Operations.Length);
        JsonObject offsets = With("arenaHeadOffsets", new JsonArray(0, 16, 4080));
        Assert.Equal([0, 16, 4080], CounterexampleFile.Parse(offsets.ToJsonString()).ArenaHeadOffsets.ToArray());
    }

    [Fact]
    public void Written_files_are_created_with_their_directory_and_read_back()
    {
        string dir = Path.Combine(Directory.CreateTempSubdirectory("cx-").FullName, "nested", "deeper");
        string path = Path.Combine(dir, "case.json");
        try
        {
            var original = new Counterexample
            {
                Geometry = Kit.Geometry,
                Oracle = "RadixTree",
                Operations = [new MallocOp(3), new FreeOp(0)],
                Failure = new FailureRecord(1, PropertyFamily.Ownership, "NotOwned ⇒ false", "true", "b0 \"escaped\""),
            };
            CounterexampleFile.Write(path, original);
            string text = File.ReadAllText(path);
            Assert.EndsWith("}\n", text);
            Assert.Contains("\"expected\": \"NotOwned ⇒ false\"", text); // readable, not \u21D2
            Assert.DoesNotContain("replaySeed", text); // absent fields are left out, not written as null
            Counterexample read = CounterexampleFile.Read(path);
            Assert.Equal("RadixTree", read.Oracle);
            Assert.Equal(original.Operations.ToArray(), read.Operations.ToArray());
            Assert.Equal(original.Failure, read.Failure);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(dir))!, recursive: true);
        }
    }

    [Fact]
    public void An_unreadable_file_is_refused_with_its_path()
    {
        var e = Assert.Throws<CounterexampleFormatException>(() => CounterexampleFile.Read("/nonexistent/dir/cx.json"));
        Assert.StartsWith("/nonexistent/dir/cx.json: cannot read the file: ", e.Message);
        Assert.IsType<InvalidDataException>(e.InnerException);
    }
}
