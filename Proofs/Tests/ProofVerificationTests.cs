using System.Globalization;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace PymallocVerify.Proofs.Tests;

/// <summary>
/// The proofs in Proofs/Dafny verify, every obligation, with nothing assumed: what docs/ownership.md's "proved" means.
/// </summary>
[Collection(DafnyCollection.Name)]
public class ProofVerificationTests(ITestOutputHelper output)
{
    /// <summary>The lemmas docs/ownership.md links to, by Dafny name (module.lemma).</summary>
    public static readonly string[] DocumentedLemmas =
    [
        "ClassicOwnership.P_IndexReadStaysInPsPage",
        "ClassicOwnership.P_IsNeededWhenPoolsExceedThePage",
        "ClassicOwnership.Lemma1_IndexOutOfBounds",
        "ClassicOwnership.Lemma2_3_BaseZeroSlot",
        "ClassicOwnership.Lemma2_ReleasedSlot",
        "ClassicOwnership.Lemma3_NeverUsedSlot",
        "ClassicOwnership.Lemma3_TableStartsZeroed",
        "ClassicOwnership.Lemma3_GrowingZeroesTheNewSlots",
        "ClassicOwnership.Lemma4_LiveSlotArenaBelowP",
        "ClassicOwnership.Lemma5_LiveSlotArenaAboveP",
        "ClassicOwnership.Theorem_ForeignIsNeverOwned",
        "ClassicOwnership.Lemma6_CarvingWritesTheArenasSlot",
        "ClassicOwnership.Lemma6_InitialisedHeaderAnswersOwned",
        "ClassicOwnership.HeapInv_Init",
        "ClassicOwnership.HeapInv_Grow",
        "ClassicOwnership.HeapInv_AddArena",
        "ClassicOwnership.HeapInv_Carve",
        "ClassicOwnership.HeapInv_Release",
        "ClassicOwnership.Theorem_ClassicTestIsRight",
        "OwnershipGeometry.AcceptedFacts",
        "RadixOwnership.Radix_OwnedIsCovered",
        "RadixOwnership.Radix_CoveredIsOwned",
        "RadixOwnership.Radix_QueryIsExact",
        "RadixOwnership.Radix_MarkWritesTheEncoding",
        "RadixOwnership.Radix_UnmarkClearsWhatMarkWrote",
        "RadixOwnership.Radix_MarkKeepsCoverageExact",
        "RadixOwnership.Radix_UnmarkKeepsCoverageExact",
        "RadixOwnership.Radix_CoverageAfterAnySequence",
        "RadixOwnership.Radix_KeySplitLosesNothing",
        "UnalignedOwnership.Unaligned_HeadAndTail_Classic39_vs_Radix311",
        "UnalignedOwnership.Unaligned_Classic39_AnswersBySlot",
    ];

    [Fact]
    public void Every_lemma_verifies_with_no_unproved_obligation_time_out_or_warning()
    {
        using ProofScratchDirectory temp = Repository.NewScratchDirectory();
        string log = Path.Combine(temp.Path, "proofs.csv");
        ProcessResult run = Repository.Dafny(["verify", .. Repository.SourceFiles.Select(f => $"Proofs/Dafny/{f}"),
            "--cores", "2", .. Repository.Limits, "--log-format", $"csv;LogFileName={log}"]);

        Match finished = Regex.Match(run.Output, @"finished with (\d+) verified, (\d+) errors?");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"dotnet dafny verify: {run.Elapsed.TotalSeconds:F1} s wall, {(finished.Success ? finished.Groups[1].Value : "?")} obligations verified"));
        Assert.True(run.ExitCode == 0, $"dafny verify failed (exit {run.ExitCode}):\n{run.Output}");
        Assert.True(finished.Success && finished.Groups[2].Value == "0", run.Output);

        IReadOnlyList<VerificationRow> rows = VerificationRow.Read(log);
        foreach (VerificationRow slow in rows.OrderByDescending(r => r.Duration).Take(5))
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  {slow.Name}: {slow.Duration.TotalSeconds:F2} s, {slow.Resources} resource units"));
        Assert.All(rows, r => Assert.Equal("Passed", r.Outcome));
        foreach (string lemma in DocumentedLemmas)
            Assert.Contains(rows, r => r.Name == $"{lemma} (correctness)");
    }

    [Fact]
    public void The_proofs_assume_nothing_beyond_the_stated_model()
    {
        // Dafny itself fails `verify` on a body-less lemma or function (a warning, and warnings fail the run above);
        // this names the escape hatches that would pass it.
        string[] forbidden = ["assume", "{:axiom", "{:verify false", "{:extern", "{:only", "--allow-axioms"];
        foreach (string file in Directory.GetFiles(Repository.DafnySources, "*.dfy"))
        {
            string code = Regex.Replace(File.ReadAllText(file), @"//[^\n]*", ""); // comments may say the words
            foreach (string word in forbidden)
                Assert.False(code.Contains(word, StringComparison.Ordinal), $"{Path.GetFileName(file)} uses {word}");
        }
    }

    [Fact]
    public void Every_dafny_file_is_verified_and_translated_in_the_order_translate_sh_uses()
    {
        string[] onDisk = [.. Directory.GetFiles(Repository.DafnySources, "*.dfy").Select(Path.GetFileName).Order()!];
        Assert.Equal(onDisk, Repository.SourceFiles.Order());
        string script = File.ReadAllText(Path.Combine(Repository.Root, "Proofs", "translate.sh"));
        string listed = Regex.Match(script, @"sources=\(([^)]*)\)").Groups[1].Value;
        Assert.Equal(Repository.SourceFiles.Select(f => $"Proofs/Dafny/{f}"), listed.Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Every_proved_lemma_is_linked_from_the_ownership_document()
    {
        string doc = File.ReadAllText(Path.Combine(Repository.Root, "docs", "ownership.md"));
        foreach (string lemma in DocumentedLemmas)
            Assert.True(doc.Contains(lemma.Split('.')[1], StringComparison.Ordinal), $"docs/ownership.md does not name {lemma}");
    }
}
