using System.Diagnostics;

namespace PymallocVerify.Proofs.Tests;

/// <summary>The repository the tests run from, and the dafny local tool run the way a developer runs it.</summary>
internal static class Repository
{
    /// <summary>The directory holding Verification.sln, above the test binaries.</summary>
    public static string Root { get; } = FindRoot();

    public static string DafnySources => Path.Combine(Root, "Proofs", "Dafny");

    /// <summary>The Dafny files in translation order: the list in Proofs/translate.sh (a test keeps the two equal).</summary>
    public static IReadOnlyList<string> SourceFiles { get; } = ["Arith.dfy", "Geometry.dfy", "Classic.dfy", "Radix.dfy", "Unaligned.dfy"];

    /// <summary>
    /// Per obligation: a time-out fails instead of hanging (the 2-core CI machine runs other test assemblies meanwhile),
    /// and a resource limit (z3's rlimit, 3x the most any lemma uses) fails a proof that grew expensive the same way on
    /// every machine.
    /// </summary>
    public static readonly string[] Limits = ["--verification-time-limit", "120", "--resource-limit", "20000000"];

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Verification.sln"))) return dir.FullName;
        throw new InvalidOperationException($"no Verification.sln above {AppContext.BaseDirectory}");
    }

    /// <summary><c>dotnet dafny ARGS</c> from the repository root (where dotnet-tools.json names the tool).</summary>
    public static ProcessResult Dafny(IEnumerable<string> arguments) => Run("dotnet", ["dafny", .. arguments], Root);

    public static ProcessResult Run(string program, IEnumerable<string> arguments, string directory,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var start = new ProcessStartInfo(program)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (string a in arguments) start.ArgumentList.Add(a);
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) start.Environment[key] = value;
        var clock = Stopwatch.StartNew();
        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromMinutes(10)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', arguments)} ran past 10 minutes");
        }
        process.WaitForExit();
        return new ProcessResult(process.ExitCode, stdout.Result + stderr.Result, clock.Elapsed);
    }

    /// <summary>A fresh directory under the system temp folder, removed by <see cref="ProofScratchDirectory.Dispose"/>.</summary>
    public static ProofScratchDirectory NewScratchDirectory() => new();
}

internal sealed record ProcessResult(int ExitCode, string Output, TimeSpan Elapsed);

internal sealed class ProofScratchDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("pmv-proofs-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(Path, recursive: true); }
        catch (IOException) { } // best effort: a leftover temp folder fails nothing
    }
}

/// <summary>Dafny's CSV verification log: one row per proof obligation batch ("Module.Lemma (correctness)").</summary>
internal sealed record VerificationRow(string Name, string Outcome, TimeSpan Duration, long Resources)
{
    public static IReadOnlyList<VerificationRow> Read(string csv) =>
        [.. File.ReadAllLines(csv).Skip(1).Where(l => l.Length > 0).Select(Parse)];

    private static VerificationRow Parse(string line)
    {
        // The name has no comma; the columns are DisplayName, Outcome, Duration, ResourceCount, RandomSeed.
        string[] f = line.Split(',');
        return new VerificationRow(f[0], f[1], TimeSpan.Parse(f[2], System.Globalization.CultureInfo.InvariantCulture),
            long.Parse(f[3], System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>"ClassicOwnership.Lemma4_LiveSlotArenaBelowP (correctness)" → "ClassicOwnership.Lemma4_LiveSlotArenaBelowP".</summary>
    public string Symbol => Name[..Name.IndexOf(" (", StringComparison.Ordinal)];
}
