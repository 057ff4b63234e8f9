using System.Text;
using PymallocVerify.Cli.Reporting;

namespace PymallocVerify.Cli.Tests;

/// <summary>
/// docs/teeth.md's equivalent-mutant list is read from the Stryker comments in Allocator/ and Model/: a marked mutant
/// appears with its reason, a comment without a reason (or a broader form the list cannot name) is refused.
/// </summary>
public sealed class EquivalentMutantsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("pmv-equivalent-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private void Write(string path, params string[] lines)
    {
        string full = Path.Combine(_root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        File.WriteAllLines(full, lines);
    }

    [Fact]
    public void Marked_mutants_are_listed_with_their_code_and_reason_and_test_code_is_not_read()
    {
        Write("Allocator/B.cs",
            "class B {",
            "    // Stryker disable once Statement : the hook is empty in production",
            "    void F() { Hook(); }",
            "    int G(uint x) => (int)(x >> 1); // Stryker disable once Bitwise,Arithmetic : unsigned shift",
            "}");
        Write("Model/A.cs", "// Stryker disable once String : only a debugger shows it", "string s = \"x\";");
        Write("Allocator/Tests/T.cs", "// Stryker disable all");
        Write("Model/obj/G.cs", "// Stryker disable all");
        Write("Cli/C.cs", "// Stryker disable all");
        Assert.Equal(
        [
            new EquivalentMutant("Allocator/B.cs", "void F() { Hook(); }", "Statement", "the hook is empty in production"),
            new EquivalentMutant("Allocator/B.cs", "int G(uint x) => (int)(x >> 1);", "Bitwise,Arithmetic", "unsigned shift"),
            new EquivalentMutant("Model/A.cs", "string s = \"x\";", "String", "only a debugger shows it"),
        ], EquivalentMutants.Find(_root));

        var md = new StringBuilder();
        TeethMarkdown.AppendEquivalentMutants(md, EquivalentMutants.Find(_root));
        Assert.Contains("from those comments (3).", md.ToString());
        Assert.Contains("| `Allocator/B.cs` | `void F() { Hook(); }` | Statement | the hook is empty in production |\n", md.ToString());
        Assert.Contains("| `Model/A.cs` | `string s = \"x\";` | String | only a debugger shows it |\n", md.ToString());
    }

    [Theory]
    [InlineData("// Stryker disable once Statement")]
    [InlineData("// Stryker disable once Statement :   ")]
    [InlineData("// Stryker disable all : too broad")]
    [InlineData("// Stryker disable Statement : until restored")]
    public void A_comment_without_a_reason_or_broader_than_one_mutant_is_refused(string comment)
    {
        Write("Model/A.cs", "class A {", comment, "}");
        var e = Assert.Throws<FormatException>(() => EquivalentMutants.Find(_root));
        Assert.StartsWith("Model/A.cs:2: ", e.Message);
    }

    [Fact]
    public void No_marked_mutant_says_so()
    {
        var md = new StringBuilder();
        TeethMarkdown.AppendEquivalentMutants(md, EquivalentMutants.Find(_root));
        Assert.Contains("from those comments (0).", md.ToString());
        Assert.EndsWith("keep the statement small:\n\nNone is marked.\n", md.ToString());
    }
}
