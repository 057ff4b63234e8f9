using System.Collections.Concurrent;
using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace PymallocVerify.Proofs.Tests;

/// <summary>
/// The proofs can fail. Each Proofs/Variants/*.variant seeds one wrong step into a copy of the Dafny source (an
/// inclusive bound, a signed subtraction, a missing zero-base check, an unmark that leaves coverage, …); verifying the
/// lemma it names must fail. A variant whose text no longer occurs in the source fails too, so none goes stale quietly.
/// </summary>
[Collection(DafnyCollection.Name)]
public class SeededProofBugTests(ITestOutputHelper output)
{
    private static readonly string VariantDirectory = Path.Combine(Repository.Root, "Proofs", "Variants");

    public static TheoryData<string> Variants()
    {
        var data = new TheoryData<string>();
        foreach (string file in Directory.GetFiles(VariantDirectory, "*.variant").Order())
            data.Add(Path.GetFileNameWithoutExtension(file));
        return data;
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void A_seeded_wrong_step_fails_to_verify_at_the_lemma_it_breaks(string variant)
    {
        VariantOutcome outcome = VariantRuns.Outcome(variant);
        output.WriteLine(outcome.Description);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dafny verify --filter-symbol {outcome.Filter}: exit {outcome.ExitCode}, {outcome.Elapsed.TotalSeconds:F1} s; failed: {string.Join(", ", outcome.Failed)}"));
        Assert.True(outcome.Error is null, outcome.Error);
        Assert.True(outcome.ExitCode != 0, $"the variant verified:\n{outcome.Output}");
        foreach (string lemma in outcome.Expected)
            Assert.True(outcome.Failed.Contains(lemma), $"{lemma} did not fail; failed: {string.Join(", ", outcome.Failed)}\n{outcome.Output}");
        // A definite failure (z3 found the proof does not go through), not one for want of time or resources.
        Assert.DoesNotContain("out of resource", outcome.Output, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("timed out", outcome.Output, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void Every_lemma_of_the_ownership_argument_has_a_seeded_variant_that_breaks_it()
    {
        string[] expected = [.. Directory.GetFiles(VariantDirectory, "*.variant").SelectMany(f => ProofVariant.Parse(File.ReadAllText(f)).Expected)];
        foreach (string lemma in new[]
                 {
                     "P_IndexReadStaysInPsPage", "Lemma1_", "Lemma2_", "Lemma3_", "Lemma4_", "Lemma5_", "Lemma6_",
                     "Radix_UnmarkClearsWhatMarkWrote", "Radix_MarkWritesTheEncoding", "Radix_OwnedIsCovered", "Unaligned_Classic39",
                 })
            Assert.Contains(expected, e => e.Contains(lemma, StringComparison.Ordinal));
    }
}

/// <summary>A parsed .variant file: what it expects to fail, and the text replacements that seed the bug.</summary>
internal sealed record ProofVariant(string Description, IReadOnlyList<string> Expected, string Filter,
    IReadOnlyList<(string File, string Original, string Seeded)> Edits)
{
    public static ProofVariant Parse(string text)
    {
        string description = string.Join(" ", text.Split('\n').Where(l => l.StartsWith('#')).Select(l => l.TrimStart('#', ' ')));
        string[] expected = [.. Regex.Matches(text, @"^expect: (\S+)$", RegexOptions.Multiline).Select(m => m.Groups[1].Value)];
        Match filter = Regex.Match(text, @"^filter: (\S+)$", RegexOptions.Multiline);
        var edits = Regex.Matches(text, @"^file: (\S+)\n<<<<\n(.*?)\n====\n(.*?)\n>>>>$", RegexOptions.Multiline | RegexOptions.Singleline)
            .Select(m => (m.Groups[1].Value, m.Groups[2].Value, m.Groups[3].Value)).ToList();
        if (expected.Length == 0 || edits.Count == 0) throw new FormatException("a variant needs an expect: line and an edit");
        return new ProofVariant(description, expected, filter.Success ? filter.Groups[1].Value : expected[0], edits);
    }
}

internal sealed record VariantOutcome(string Description, IReadOnlyList<string> Expected, string Filter, int ExitCode,
    IReadOnlySet<string> Failed, string Output, TimeSpan Elapsed, string? Error);

/// <summary>All variants verified once per test run, two at a time (one core each), outside the theory's sequence.</summary>
internal static class VariantRuns
{
    private static readonly Lazy<ConcurrentDictionary<string, VariantOutcome>> All = new(RunAll);

    public static VariantOutcome Outcome(string name) => All.Value[name];

    private static ConcurrentDictionary<string, VariantOutcome> RunAll()
    {
        var results = new ConcurrentDictionary<string, VariantOutcome>();
        string[] files = Directory.GetFiles(Path.Combine(Repository.Root, "Proofs", "Variants"), "*.variant");
        Parallel.ForEach(files, new ParallelOptions { MaxDegreeOfParallelism = 2 },
            file => results[Path.GetFileNameWithoutExtension(file)] = Run(ProofVariant.Parse(File.ReadAllText(file))));
        return results;
    }

    private static VariantOutcome Run(ProofVariant variant)
    {
        using ProofScratchDirectory temp = Repository.NewScratchDirectory();
        foreach (string source in Repository.SourceFiles)
            File.Copy(Path.Combine(Repository.DafnySources, source), Path.Combine(temp.Path, source));
        foreach (var (file, original, seeded) in variant.Edits)
        {
            string path = Path.Combine(temp.Path, file);
            string code = File.ReadAllText(path);
            int count = Regex.Matches(code, Regex.Escape(original)).Count;
            if (count != 1)
                return Failed(variant, $"stale variant: its text occurs {count} times in {file}, not once:\n{original}");
            File.WriteAllText(path, code.Replace(original, seeded, StringComparison.Ordinal));
        }
        string log = Path.Combine(temp.Path, "variant.csv");
        ProcessResult run = Repository.Dafny(["verify", .. Repository.SourceFiles.Select(f => Path.Combine(temp.Path, f)),
            "--cores", "1", "--allow-warnings", .. Repository.Limits, "--filter-symbol", variant.Filter,
            "--log-format", $"csv;LogFileName={log}"]);
        HashSet<string> failed = File.Exists(log)
            ? [.. VerificationRow.Read(log).Where(r => r.Outcome != "Passed").Select(r => r.Symbol)]
            : [];
        return new VariantOutcome(variant.Description, variant.Expected, variant.Filter, run.ExitCode, failed, run.Output, run.Elapsed, null);
    }

    private static VariantOutcome Failed(ProofVariant variant, string error) =>
        new(variant.Description, variant.Expected, variant.Filter, -1, new HashSet<string>(), "", TimeSpan.Zero, error);
}
