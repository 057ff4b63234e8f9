using System.Text.RegularExpressions;

namespace PymallocVerify.Cli.Reporting;

/// <summary>One mutant Stryker.NET may not count: where it is, the code it would mutate, the mutator, and why no test can kill it.</summary>
public sealed record EquivalentMutant(string File, string Code, string Mutator, string Reason);

/// <summary>
/// The equivalent mutants of the mutation gate, read from the one place they are declared: the
/// <c>// Stryker disable once Mutator : reason</c> comments in the mutated projects' sources (docs/ci.md, "Mutation
/// testing"). docs/teeth.md lists them, so a marked mutant cannot go unexplained or unlisted.
/// </summary>
public static partial class EquivalentMutants
{
    /// <summary>The projects Stryker mutates, relative to the repository root.</summary>
    public static IReadOnlyList<string> MutatedProjects { get; } = ["Allocator", "Model"];

    [GeneratedRegex(@"//\s*Stryker\s+(?<rest>.*)$")]
    private static partial Regex StrykerComment();

    [GeneratedRegex(@"^disable\s+once\s+(?<mutator>[A-Za-z, ]+?)\s*:\s*(?<reason>\S.*)$")]
    private static partial Regex DisableOnce();

    /// <summary>
    /// Every marked mutant under <paramref name="repositoryRoot"/>, in file then line order. Throws
    /// <see cref="FormatException"/> on a Stryker comment that is not <c>disable once Mutator : reason</c> (a reason is
    /// required; broader forms would hide mutants this list cannot name).
    /// </summary>
    public static IReadOnlyList<EquivalentMutant> Find(string repositoryRoot)
    {
        var found = new List<EquivalentMutant>();
        foreach (string project in MutatedProjects)
        {
            string dir = Path.Combine(repositoryRoot, project);
            if (!Directory.Exists(dir)) continue;
            IEnumerable<string> files = Directory.EnumerateFiles(dir, "*.cs", SearchOption.AllDirectories)
                .Select(f => Path.GetRelativePath(repositoryRoot, f).Replace('\\', '/'))
                .Where(f => !f.Split('/').Any(part => part is "Tests" or "obj" or "bin"))
                .Order(StringComparer.Ordinal);
            foreach (string file in files)
            {
                string[] lines = File.ReadAllLines(Path.Combine(repositoryRoot, file));
                for (int i = 0; i < lines.Length; i++)
                {
                    Match comment = StrykerComment().Match(lines[i]);
                    if (!comment.Success) continue;
                    Match once = DisableOnce().Match(comment.Groups["rest"].Value.Trim());
                    if (!once.Success)
                        throw new FormatException($"{file}:{i + 1}: a Stryker comment must read `// Stryker disable once Mutator : reason`");
                    string code = lines[i][..comment.Index].Trim();
                    if (code.Length == 0 && i + 1 < lines.Length) code = lines[i + 1].Trim();
                    found.Add(new EquivalentMutant(file, code, once.Groups["mutator"].Value.Trim(), once.Groups["reason"].Value.Trim()));
                }
            }
        }
        return found;
    }
}
