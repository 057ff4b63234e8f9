namespace PymallocVerify.Properties;

/// <summary>Where counterexamples go: <c>artifacts/counterexamples/</c> under the repository root (found by walking up to Verification.sln).</summary>
public static class ArtifactPaths
{
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Verification.sln"))) return dir.FullName;
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Verification.sln"))) return dir.FullName;
        return Directory.GetCurrentDirectory();
    }

    public static string CounterexampleDirectory() => Path.Combine(RepositoryRoot(), "artifacts", "counterexamples");
}
