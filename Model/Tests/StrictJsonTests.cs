using System.Text.Json;
using Xunit;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// How every format of the suite reads a file and words a refusal: the size cap is exact (a file of the cap is read
/// whole, one byte more is refused, however the reads are split), and each System.Text.Json complaint becomes one line
/// in the format's terms, with its line and JSON path.
/// </summary>
public class StrictJsonTests
{
    [Theory]
    [InlineData(0, 100)]
    [InlineData(100, 100)]
    [InlineData(65_535, 1 << 20)]
    [InlineData(65_536, 1 << 20)]
    [InlineData(65_537, 1 << 20)]
    [InlineData(200_000, 1 << 20)]
    [InlineData(1 << 20, 1 << 20)]
    public void A_file_up_to_the_cap_is_read_whole(int length, int cap)
    {
        string text = string.Create(length, 0, (span, _) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = (char)('a' + i % 26);
        });
        string path = TempFile(System.Text.Encoding.UTF8.GetBytes(text));
        try
        {
            Assert.Equal(text, StrictJson.ReadFile(path, cap));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData(101, 100, "larger than 0 MiB, the cap for this format")]
    [InlineData((1 << 20) + 1, 1 << 20, "larger than 1 MiB, the cap for this format")]
    [InlineData(3 << 20, 2 << 20, "larger than 2 MiB, the cap for this format")]
    public void A_file_past_the_cap_is_refused(int length, int cap, string message)
    {
        string path = TempFile(new byte[length]);
        try
        {
            Assert.Equal(message, Assert.Throws<InvalidDataException>(() => StrictJson.ReadFile(path, cap)).Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void What_cannot_be_read_as_text_is_refused_in_one_line()
    {
        string binary = TempFile([0x7b, 0xff, 0xfe, 0x7d]);
        try
        {
            Assert.Equal("not UTF-8 text (binary data?)", Assert.Throws<InvalidDataException>(() => StrictJson.ReadFile(binary, 100)).Message);
        }
        finally
        {
            File.Delete(binary);
        }
        Assert.Equal("is a directory, not a file", Assert.Throws<InvalidDataException>(() => StrictJson.ReadFile(Path.GetTempPath(), 100)).Message);
        var missing = Assert.Throws<InvalidDataException>(() => StrictJson.ReadFile("/nonexistent/dir/x.json", 100));
        Assert.StartsWith("cannot read the file: Could not find a part of the path", missing.Message);
        Assert.IsType<DirectoryNotFoundException>(missing.InnerException);
        var empty = Assert.Throws<InvalidDataException>(() => StrictJson.ReadFile("", 100));
        Assert.StartsWith("cannot read the file: ", empty.Message);
        Assert.IsAssignableFrom<ArgumentException>(empty.InnerException);
    }

    private static string TempFile(byte[] bytes)
    {
        string path = Path.GetTempFileName();
        File.WriteAllBytes(path, bytes);
        return path;
    }

    [Theory]
    [InlineData("JSON deserialization for type 'PymallocVerify.Model.Counterexample' was missing required properties including: 'geometry'.",
        "$", 0L, "line 1: missing field \"geometry\"")]
    [InlineData("The JSON property 'unexpected' could not be mapped to any .NET member contained in type 'PymallocVerify.Model.MallocOp'.",
        "$.operations[0]", 3L, "line 4: at $.operations[0]: unknown field \"unexpected\"")]
    [InlineData("Read unrecognized type discriminator id 'teleport'. Path: $.operations[1] | LineNumber: 0 | BytePositionInLine: 9.",
        "$.operations[1]", null, "at $.operations[1]: unknown kind \"teleport\"")]
    [InlineData("The JSON payload for polymorphic interface or abstract type 'PymallocVerify.Model.Operation' must specify a type discriminator.",
        "$.operations[0]", null, "at $.operations[0]: missing its kind (\"op\" or \"at\")")]
    [InlineData("Duplicate property 'oracle' encountered during deserialization of type 'PymallocVerify.Model.Counterexample'.",
        "$.oracle", null, "at $.oracle: a field appears twice")]
    [InlineData("Cannot assign null to the non-nullable property 'oracle'.",
        "$.oracle", null, "at $.oracle: null where a value is required")]
    [InlineData("The JSON value could not be converted to System.Int32. Path: $.operations[0].size | LineNumber: 0 | BytePositionInLine: 30.",
        "$.operations[0].size", null, "at $.operations[0].size: a value of the wrong kind (a number, a string or a name was expected)")]
    [InlineData("The maximum configured depth of 16 has been exceeded. Cannot read next JSON array.",
        null, 0L, "line 1: nested too deeply")]
    [InlineData("The property 'note' on type 'PymallocVerify.Model.Counterexample' doesn't allow null values.\nSecond line.",
        "", null, "The property 'note' on type a value doesn't allow null values.")]
    [InlineData("'}' is invalid after a value. Expected either ',', '}', or ']'. Path: $ | LineNumber: 2 | BytePositionInLine: 1.",
        "$", 2L, "line 3: '}' is invalid after a value. Expected either ',', '}', or ']'.")]
    [InlineData("A discriminator id 'teleport' appears in the wrong place.",
        null, null, "A discriminator id 'teleport' appears in the wrong place.")]
    public void Each_complaint_becomes_one_line_in_the_formats_terms(string message, string? path, long? line, string described) =>
        Assert.Equal(described, StrictJson.Describe(new JsonException(message, path, line, null)));

    [Theory]
    [InlineData("one", "one")]
    [InlineData("one\ntwo", "one")]
    [InlineData("one\r\ntwo", "one")]
    [InlineData("\nlater", "")]
    public void First_line_stops_at_either_line_break(string message, string first) => Assert.Equal(first, StrictJson.FirstLine(message));
}
