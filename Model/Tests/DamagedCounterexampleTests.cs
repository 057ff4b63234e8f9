using System.Text;
using System.Text.Json.Nodes;
using Xunit;
using Xunit.Abstractions;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// Hostile input: damaged variants of every file in the regression corpus — truncated, fields missing, duplicated,
/// unknown, of the wrong kind, enums as integers or unknown names, huge and negative numbers, deep nesting, other
/// encodings, binary garbage, oversize. Each is either read as a complete, valid counterexample (when the damage hit
/// an optional field) or refused with one line that names the file and holds no .NET type name; nothing else.
/// </summary>
public class DamagedCounterexampleTests(ITestOutputHelper output)
{
    /// <summary>Fields of the root the format documents a default for (removing one is no damage).</summary>
    private static readonly HashSet<string> Optional = ["variant", "replaySeed", "arenaHeadOffsets", "simulated", "garbageValues", "failure", "program", "note"];

    private static readonly JsonNode?[] WrongValues =
        [JsonValue.Create("1"), JsonValue.Create(99), null, JsonValue.Create(true), new JsonArray(), new JsonObject(),
         JsonValue.Create(-1), JsonValue.Create(1e30), JsonNode.Parse("18446744073709551616"), JsonValue.Create("teleport")];

    public static IEnumerable<string> CorpusFiles() =>
        Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "Corpus"), "*.json").OrderBy(f => f, StringComparer.Ordinal);

    /// <summary>(name, bytes, must be refused).</summary>
    private static IEnumerable<(string Name, byte[] Bytes, bool MustRefuse)> Variants(string file)
    {
        string text = File.ReadAllText(file);
        byte[] utf8 = Encoding.UTF8.GetBytes(text);
        foreach (int cut in new[] { 0, 1, 10, utf8.Length / 3, utf8.Length / 2, utf8.Length - 2 })
            yield return ($"truncated at {cut}", utf8[..cut], true);
        yield return ("utf-16", Encoding.Unicode.GetBytes(text), true);
        yield return ("binary", Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 >> 3)).ToArray(), true);
        yield return ("nested 5000 deep", Encoding.UTF8.GetBytes(new string('[', 5000) + new string(']', 5000)), true);

        JsonNode root = JsonNode.Parse(text)!;
        int member = 0;
        foreach (var (path, key) in JsonDamage.Members(root))
        {
            member++;
            bool optional = path == "$" && Optional.Contains(key);
            JsonNode copy = root.DeepClone();
            JsonObject target = JsonDamage.Resolve(copy, path);
            target.Remove(key);
            yield return ($"{path}.{key} removed", JsonDamage.Bytes(copy), !optional && key != "program");
            // Four of the wrong values per field, rotating, so every value meets every kind of field across the corpus.
            for (int w = 0; w < 4; w++)
            {
                JsonNode? wrong = WrongValues[(member + w * 3) % WrongValues.Length];
                JsonNode changed = root.DeepClone();
                JsonNode? original = JsonDamage.Resolve(changed, path)[key];
                if (JsonNode.DeepEquals(original, wrong)) continue;
                JsonDamage.Resolve(changed, path)[key] = wrong?.DeepClone();
                bool nullForOptional = optional && wrong is null;
                yield return ($"{path}.{key} = {wrong?.ToJsonString() ?? "null"}", JsonDamage.Bytes(changed), !nullForOptional && MustRefuseValue(key, original, wrong));
            }
            JsonObject extra = (JsonObject)root.DeepClone();
            JsonDamage.Resolve(extra, path)["unexpected"] = 1;
            yield return ($"{path} + unknown field", JsonDamage.Bytes(extra), true);
            yield return ($"{path}.{key} twice", Encoding.UTF8.GetBytes(Duplicate(JsonDamage.Resolve(root.DeepClone(), path), key, root, path)), true);
        }
    }

    /// <summary>A wrong value must be refused unless the field is free text, or the value is still in range.</summary>
    private static bool MustRefuseValue(string key, JsonNode? original, JsonNode? wrong)
    {
        // Free text; the variant is a seeded bug's name, which the replayer (not the file format) checks against the catalog.
        if (key is "note" or "replaySeed" or "expected" or "observed" or "message" or "name" or "variant") return wrong is not JsonValue v || v.GetValueKind() != System.Text.Json.JsonValueKind.String;
        if (key is "program" or "garbageValues") return wrong is not JsonArray { Count: 0 } && (key != "program" || wrong is not JsonArray);
        bool originalIsNumber = original is JsonValue o && o.GetValueKind() == System.Text.Json.JsonValueKind.Number;
        bool wrongIsSmallNumber = wrong is JsonValue w && w.GetValueKind() == System.Text.Json.JsonValueKind.Number && w.ToJsonString() is "99" or "-1";
        return !(originalIsNumber && wrongIsSmallNumber); // 99 or -1 may be a fine handle, offset or value
    }

    private static string Duplicate(JsonObject target, string key, JsonNode root, string path)
    {
        string json = root.ToJsonString();
        string member = $"\"{key}\":{target[key]?.ToJsonString() ?? "null"}";
        int at = json.IndexOf(member, StringComparison.Ordinal);
        return at < 0 ? "{" : json.Insert(at, member + ",");
    }




    [Fact]
    public void Every_damaged_variant_of_every_corpus_file_is_read_whole_or_refused_in_one_line()
    {
        string dir = Directory.CreateTempSubdirectory("damaged-").FullName;
        int variants = 0, refused = 0;
        var wrong = new List<string>();
        foreach (string file in CorpusFiles())
            foreach (var (name, bytes, mustRefuse) in Variants(file))
            {
                variants++;
                string path = Path.Combine(dir, $"v{variants}.json");
                File.WriteAllBytes(path, bytes);
                string what = $"{Path.GetFileName(file)}: {name}";
                try
                {
                    Counterexample read = CounterexampleFile.Read(path);
                    if (mustRefuse) wrong.Add($"{what}: accepted");
                    else if (read.Operations.IsDefault || read.Geometry is null) wrong.Add($"{what}: accepted incomplete");
                }
                catch (CounterexampleFormatException e)
                {
                    refused++;
                    if (e.Message.Contains('\n') || !e.Message.StartsWith(path, StringComparison.Ordinal)
                        || e.Message.Contains("System.", StringComparison.Ordinal) || e.Message.Contains("PymallocVerify.", StringComparison.Ordinal)
                        || e.Message.Contains("`", StringComparison.Ordinal))
                        wrong.Add($"{what}: message \"{e.Message}\"");
                }
                catch (Exception e)
                {
                    wrong.Add($"{what}: {e.GetType().Name}: {e.Message}");
                }
            }
        Directory.Delete(dir, recursive: true);
        output.WriteLine($"{variants} damaged variants, {refused} refused");
        Assert.True(variants >= 1000, $"only {variants} variants");
        Assert.True(wrong.Count == 0, string.Join("\n", wrong.Take(40)));
    }

    [Fact]
    public void An_endless_or_oversize_input_is_refused_at_the_cap_without_reading_it_whole()
    {
        var e = Assert.Throws<CounterexampleFormatException>(() => CounterexampleFile.Read("/dev/zero"));
        Assert.Contains("larger than 16 MiB", e.Message);
        // This thread's allocations only: tests of other classes run and allocate in parallel.
        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Throws<CounterexampleFormatException>(() => CounterexampleFile.Read("/dev/urandom"));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 64L << 20, "reading /dev/urandom allocated past the cap");
        Assert.Contains("is a directory", Assert.Throws<CounterexampleFormatException>(() => CounterexampleFile.Read(Path.GetTempPath())).Message);
    }

    [Fact]
    public void A_program_asking_for_more_than_the_caps_is_refused_before_it_runs()
    {
        string one = File.ReadAllText(CorpusFiles().First());
        JsonNode root = JsonNode.Parse(one)!;
        var ops = new JsonArray();
        for (int i = 0; i < 17; i++) ops.Add(new JsonObject { ["op"] = "malloc", ["size"] = 16 << 20 });
        root["operations"] = ops;
        var e = Assert.Throws<CounterexampleFormatException>(() => CounterexampleFile.Parse(root.ToJsonString(), "big.json"));
        Assert.Contains("more than 256 MiB in all", e.Message);
    }
}
