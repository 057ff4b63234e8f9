using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace PymallocVerify.Model;

/// <summary>
/// Reads and writes counterexample files (versioned JSON). Reading never throws anything but
/// <see cref="CounterexampleFormatException"/> with a one-line message: malformed JSON, a missing field, a newer
/// format version, an invalid geometry or an out-of-range operation all name the file and the problem.
/// </summary>
public static class CounterexampleFile
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep ⇒ and quotes readable in the file
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize(Counterexample counterexample) => JsonSerializer.Serialize(counterexample, Options);

    public static void Write(string path, Counterexample counterexample)
    {
        string? directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null) Directory.CreateDirectory(directory);
        File.WriteAllText(path, Serialize(counterexample) + "\n");
    }

    public static Counterexample Read(string path)
    {
        string json;
        try
        {
            json = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new CounterexampleFormatException($"{path}: cannot read the file: {e.Message}", e);
        }
        return Parse(json, path);
    }

    /// <param name="source">Names the input in error messages (usually the file path).</param>
    public static Counterexample Parse(string json, string source = "<input>")
    {
        Exception Bad(string problem, Exception? inner = null) =>
            new CounterexampleFormatException($"{source}: {problem}", inner);

        try
        {
            using (JsonDocument document = JsonDocument.Parse(json))
            {
                JsonElement root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object) throw Bad("not a counterexample file (expected a JSON object)");
                if (!root.TryGetProperty("format", out JsonElement format) || format.ValueKind != JsonValueKind.String
                    || format.GetString() != Counterexample.FormatName)
                    throw Bad($"not a counterexample file (\"format\" must be \"{Counterexample.FormatName}\")");
                if (!root.TryGetProperty("version", out JsonElement version) || version.ValueKind != JsonValueKind.Number || !version.TryGetInt32(out int v))
                    throw Bad("missing or non-integer \"version\"");
                if (v > Counterexample.CurrentVersion)
                    throw Bad($"written by format version {v}; this build reads versions up to {Counterexample.CurrentVersion} — update pymalloc-verify");
                if (v < 1) throw Bad($"invalid format version {v}");
            }

            Counterexample result = JsonSerializer.Deserialize<Counterexample>(json, Options)
                ?? throw Bad("the file holds null");
            Validate(result, Bad);
            return result;
        }
        catch (JsonException e)
        {
            string where = e.LineNumber is long line ? $"line {line + 1}: " : "";
            throw Bad($"malformed counterexample JSON: {where}{FirstLine(e.Message)}", e);
        }
        catch (ArgumentException e)
        {
            throw Bad(FirstLine(e.Message), e);
        }
    }

    private static void Validate(Counterexample c, Func<string, Exception?, Exception> bad)
    {
        if (c.Geometry is null) throw bad("missing \"geometry\"", null);
        c.Geometry.Validate();
        if (string.IsNullOrWhiteSpace(c.Oracle)) throw bad("missing \"oracle\"", null);
        if (c.Operations.IsDefault) throw bad("missing \"operations\"", null);
        for (int i = 0; i < c.Operations.Length; i++)
        {
            Operation? op = c.Operations[i];
            if (op is null) throw bad($"operation {i} is null", null);
            try
            {
                op.Validate();
            }
            catch (ArgumentException e)
            {
                throw bad($"operation {i} ({op.GetType().Name}): {FirstLine(e.Message)}", e);
            }
        }
        if (!c.ArenaHeadOffsets.IsDefault)
            foreach (int offset in c.ArenaHeadOffsets)
                if (offset < 0 || offset >= c.Geometry.PoolSize || offset % 16 != 0)
                    throw bad($"arena head offset {offset} must be a multiple of 16 in [0, pool size)", null);
    }

    private static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }
}
