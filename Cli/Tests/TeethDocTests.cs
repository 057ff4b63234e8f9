using PymallocVerify.Cli.Campaign;
using PymallocVerify.Cli.Reporting;

namespace PymallocVerify.Cli.Tests;

/// <summary>docs/teeth.md is generated from the seeded-bug catalog; this fails while the file in the repository is stale.</summary>
public class TeethDocTests
{
    /// <summary>Set to 1 to rewrite docs/teeth.md instead of failing (the same as the command in <see cref="TeethMarkdown.RegenerateCommand"/>).</summary>
    public const string RegenerateVariable = "PMV_REGENERATE_DOCS";

    [Fact]
    public void Docs_teeth_md_is_what_mutants_list_markdown_prints()
    {
        CliRun run = CliHarness.Invoke("mutants", "--list", "--markdown");
        Assert.Equal(ExitCodes.Holds, run.ExitCode);
        Assert.Equal(TeethMarkdown.Render(FamilyCatalog.Default()), run.Out);

        string path = Path.Combine(PymallocVerify.Properties.ArtifactPaths.RepositoryRoot(), "docs", "teeth.md");
        if (Environment.GetEnvironmentVariable(RegenerateVariable) == "1") File.WriteAllText(path, run.Out);
        Assert.True(File.ReadAllText(path) == run.Out,
            $"docs/teeth.md is stale: run `{TeethMarkdown.RegenerateCommand}` (or {RegenerateVariable}=1 dotnet test Cli/Tests)");
    }
}
