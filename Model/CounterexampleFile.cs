using System.Text.Json;

namespace PymallocVerify.Model;

/// <summary>
/// Reads and writes counterexample files (versioned JSON, read strictly: <see cref="StrictJson"/>). Reading never
/// throws anything but <see cref="CounterexampleFormatException"/> with a one-line message: malformed JSON, a missing
/// or unknown field, a newer format version, an invalid geometry, an out-of-range operation or an input over the caps
/// (<see cref="MaxFileBytes"/>, <see cref="MaxOperations"/>, <see cref="MaxProgramBytes"/>) all name the file, the JSON
/// path and the problem.
/// </summary>
public static class CounterexampleFile
{
    /// <summary>The largest file read (a shrunk counterexample is a few KiB).</summary>
    public const int MaxFileBytes = 16 << 20;

    /// <summary>The most operations a file may hold.</summary>
    public const int MaxOperations = 100_000;

    /// <summary>The most bytes a program may request in all (malloc, calloc, realloc and foreign blocks added up).</summary>
    public const long MaxProgramBytes = 256L << 20;

    public static JsonSerializerOptions Options { get; } = StrictJson.Options();

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
            json = StrictJson.ReadFile(path, MaxFileBytes);
        }
        catch (InvalidDataException e)
        {
            throw new CounterexampleFormatException($"{path}: {e.Message}", e);
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
            throw Bad(StrictJson.Describe(e), e);
        }
        catch (NotSupportedException e) // System.Text.Json's word for a polymorphic value without its kind
        {
            throw Bad(StrictJson.Describe(new JsonException(e.Message, PathOf(e.Message), null, null)), e);
        }
        catch (ArgumentException e)
        {
            throw Bad(StrictJson.FirstLine(e.Message), e);
        }
    }

    private static void Validate(Counterexample c, Func<string, Exception?, Exception> bad)
    {
        if (c.Geometry is null) throw bad("missing \"geometry\"", null);
        c.Geometry.Validate();
        if (string.IsNullOrWhiteSpace(c.Oracle)) throw bad("missing \"oracle\"", null);
        if (!Counterexample.Oracles.Contains(c.Oracle))
            throw bad($"at $.oracle: unknown oracle \"{c.Oracle}\"; expected one of: {string.Join(", ", Counterexample.Oracles)}", null);
        if (c.Operations.IsDefault) throw bad("missing \"operations\"", null);
        if (c.Operations.IsEmpty) throw bad("at $.operations: a counterexample needs at least one operation", null);
        if (c.Operations.Length > MaxOperations)
            throw bad($"{c.Operations.Length} operations; a file may hold at most {MaxOperations}", null);
        long requested = 0;
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
                throw bad($"at $.operations[{i}]: {StrictJson.FirstLine(e.Message)}", e);
            }
            requested += op switch
            {
                MallocOp m => m.Size,
                CallocOp k => (long)k.Count * k.Size,
                ReallocOp r => r.Size,
                ForeignAllocOp f => f.Size,
                _ => 0,
            };
            if (requested > MaxProgramBytes)
                // Stryker disable once Bitwise : MaxProgramBytes is a positive constant, so >> and >>> give the same
                throw bad($"at $.operations[{i}]: the program requests more than {MaxProgramBytes >> 20} MiB in all, the cap", null);
        }
        if (!c.ArenaHeadOffsets.IsDefault && c.ArenaHeadOffsets.IsEmpty)
            throw bad("at $.arenaHeadOffsets: give at least one offset, or leave the field out for [0]", null);
        if (!c.ArenaHeadOffsets.IsDefault)
            foreach (int offset in c.ArenaHeadOffsets)
                if (offset < 0 || offset >= c.Geometry.PoolSize || offset % 16 != 0)
                    throw bad($"arena head offset {offset} must be a multiple of 16 in [0, pool size)", null);
    }


    /// <summary>The JSON path System.Text.Json puts in its own messages ("Path: $.x | LineNumber: …").</summary>
    private static string? PathOf(string message)
    {
        int at = message.IndexOf("Path: ", StringComparison.Ordinal);
        if (at < 0) return null;
        int end = message.IndexOf(" |", at, StringComparison.Ordinal);
        return end < 0 ? message[(at + 6)..] : message[(at + 6)..end];
    }
}
