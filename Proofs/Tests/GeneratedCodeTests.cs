using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace PymallocVerify.Proofs.Tests;

/// <summary>The committed C# is the translation of the committed Dafny, by the one documented command.</summary>
[Collection(DafnyCollection.Name)]
public class GeneratedCodeTests(ITestOutputHelper output)
{
    private const string Generated = "Proofs/Generated/Ownership.cs";

    [Fact]
    public void The_committed_csharp_is_what_translate_sh_makes_from_the_dafny_source_now()
    {
        using ProofScratchDirectory temp = Repository.NewScratchDirectory();
        Directory.CreateDirectory(Path.Combine(temp.Path, "Proofs", "Dafny"));
        foreach (string source in Repository.SourceFiles)
            File.Copy(Path.Combine(Repository.DafnySources, source), Path.Combine(temp.Path, "Proofs", "Dafny", source));

        // The proofs are verified by ProofVerificationTests; here only the translation is redone.
        ProcessResult run = Repository.Run("bash", ["Proofs/translate.sh", temp.Path], Repository.Root,
            new Dictionary<string, string> { ["PROOFS_SKIP_VERIFY"] = "1" });
        output.WriteLine($"Proofs/translate.sh into a copy: {run.Elapsed.TotalSeconds:F1} s");
        Assert.True(run.ExitCode == 0, run.Output);

        string[] fresh = File.ReadAllLines(Path.Combine(temp.Path, Generated));
        string[] committed = File.ReadAllLines(Path.Combine(Repository.Root, Generated));
        int first = Enumerable.Range(0, Math.Max(fresh.Length, committed.Length))
            .FirstOrDefault(i => i >= fresh.Length || i >= committed.Length || fresh[i] != committed[i], -1);
        Assert.True(first < 0,
            $"{Generated} is stale (first difference at line {first + 1}): run Proofs/translate.sh and commit the result\n" +
            $"  committed: {(first >= 0 && first < committed.Length ? committed[first] : "<end>")}\n" +
            $"  fresh:     {(first >= 0 && first < fresh.Length ? fresh[first] : "<end>")}");
    }

    [Fact]
    public void The_runtime_the_generated_code_links_is_the_local_tool_version()
    {
        using JsonDocument manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Repository.Root, "dotnet-tools.json")));
        string tool = manifest.RootElement.GetProperty("tools").GetProperty("dafny").GetProperty("version").GetString()!;
        string project = File.ReadAllText(Path.Combine(Repository.Root, "Proofs", "Proofs.csproj"));
        Assert.Equal(tool, Regex.Match(project, "<DafnyVersion>([^<]*)</DafnyVersion>").Groups[1].Value);
        // DafnyRuntime.dll carries no assembly version (0.0.0.0): compare the loaded file with the tool package's.
        string packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        string shipped = Path.Combine(packages, "dafny", tool, "tools", "net8.0", "any", "DafnyRuntime.dll");
        string loaded = System.Reflection.Assembly.Load("DafnyRuntime").Location;
        Assert.Equal(File.ReadAllBytes(shipped), File.ReadAllBytes(loaded));
    }
}
