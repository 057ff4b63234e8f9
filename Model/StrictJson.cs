using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace PymallocVerify.Model;

/// <summary>
/// How every file format of the suite is read: nothing is filled in silently. A field is required unless its type
/// gives it a documented default; unknown and duplicated fields, enum values given as integers, numbers given as
/// strings and nulls where a value belongs are refused; the input is read only up to a size cap (so /dev/zero or a
/// 200 MB file is refused at once); and a refusal is one line naming the JSON path and the problem in the format's
/// terms, never a .NET type name.
/// </summary>
public static partial class StrictJson
{
    /// <summary>Serializer options for a format: camelCase names and enum names, strict on reading.</summary>
    public static JsonSerializerOptions Options() => new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, // keep ⇒ and quotes readable in the file
        AllowOutOfOrderMetadataProperties = true,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false) },
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
        AllowDuplicateProperties = false,
        MaxDepth = 16,
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    /// <summary>
    /// The file's text, read as UTF-8 up to <paramref name="maxBytes"/>. Throws <see cref="InvalidDataException"/>
    /// (one line) for a directory, an unreadable file, a larger input or bytes that are not UTF-8.
    /// </summary>
    public static string ReadFile(string path, int maxBytes)
    {
        if (Directory.Exists(path)) throw new InvalidDataException("is a directory, not a file");
        // Grown as it fills, so a small file costs a small buffer; reading stops one byte past the cap.
        byte[] buffer = new byte[Math.Min(maxBytes + 1, 64 * 1024)];
        int total = 0;
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            for (int read; total <= maxBytes && (read = stream.Read(buffer, total, buffer.Length - total)) > 0;)
            {
                total += read;
                if (total == buffer.Length && total <= maxBytes) Array.Resize(ref buffer, (int)Math.Min(maxBytes + 1L, 2L * buffer.Length));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            throw new InvalidDataException($"cannot read the file: {FirstLine(e.Message)}", e);
        }
        if (total > maxBytes) throw new InvalidDataException($"larger than {maxBytes / (1024 * 1024)} MiB, the cap for this format");
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer, 0, total);
        }
        catch (DecoderFallbackException)
        {
            throw new InvalidDataException("not UTF-8 text (binary data?)");
        }
    }

    /// <summary>One line for a refused input: where (the JSON path) and what is wrong, in the format's terms.</summary>
    public static string Describe(JsonException e)
    {
        string path = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "" : $"at {e.Path}: ";
        string line = e.LineNumber is long n ? $"line {n + 1}: " : "";
        string message = FirstLine(e.Message);
        string problem = message switch
        {
            _ when MissingRequired().Match(message) is { Success: true } m => $"missing field \"{m.Groups[1].Value}\"",
            _ when UnmappedMember().Match(message) is { Success: true } m => $"unknown field \"{m.Groups[1].Value}\"",
            _ when message.Contains("type discriminator", StringComparison.Ordinal) && UnknownDiscriminator().Match(message) is { Success: true } m
                => $"unknown kind \"{m.Groups[1].Value}\"",
            _ when message.Contains("must specify a type discriminator", StringComparison.Ordinal) => "missing its kind (\"op\" or \"at\")",
            _ when message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase) => "a field appears twice",
            _ when message.Contains("null", StringComparison.OrdinalIgnoreCase) && message.Contains("non-nullable", StringComparison.Ordinal) => "null where a value is required",
            _ when message.Contains("could not be converted", StringComparison.Ordinal) => "a value of the wrong kind (a number, a string or a name was expected)",
            _ when message.Contains("maximum configured depth", StringComparison.Ordinal) => "nested too deeply",
            _ => StripInternals(message),
        };
        return $"{line}{path}{problem}";
    }

    private static string StripInternals(string message)
    {
        message = DotNetType().Replace(message, "a value");
        int cut = message.IndexOf(" Path: ", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    public static string FirstLine(string message)
    {
        int end = message.IndexOfAny(['\r', '\n']);
        return end < 0 ? message : message[..end];
    }

    [GeneratedRegex(@"missing required properties including: '([^']+)'")]
    private static partial Regex MissingRequired();

    [GeneratedRegex(@"JSON property '([^']+)' could not be mapped")]
    private static partial Regex UnmappedMember();

    [GeneratedRegex(@"discriminator id '([^']*)'")]
    private static partial Regex UnknownDiscriminator();

    [GeneratedRegex(@"'?(System|PymallocVerify)\.[\w.`\[\], +]+'?")]
    private static partial Regex DotNetType();
}
