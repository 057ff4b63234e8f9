namespace PymallocVerify.Properties.Backend.CPython;

/// <summary>
/// Loaded images per library, handed out to one user at a time and kept for the next (a loaded copy is never
/// unloaded, so the number per library is bounded: tests running in parallel need a few, a campaign one).
/// Process-wide and locked.
/// </summary>
public static class LibPythonImagePool
{
    /// <summary>Most copies of one library a process loads (each maps the whole library once more).</summary>
    public const int MaxImagesPerLibrary = 8;

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, Stack<LibPythonImage>> Idle = [];
    private static readonly Dictionary<string, int> Loaded = [];
    private static readonly List<LibPythonImage> All = [];

    /// <summary>An idle image of <paramref name="install"/>, or a freshly loaded one.</summary>
    public static LibPythonImage Rent(LibPythonInstall install)
    {
        int copy;
        lock (Gate)
        {
            if (Idle.TryGetValue(install.Path, out Stack<LibPythonImage>? idle) && idle.TryPop(out LibPythonImage? image)) return image;
            copy = Loaded.GetValueOrDefault(install.Path);
            if (copy >= MaxImagesPerLibrary)
                throw new InvalidOperationException($"{MaxImagesPerLibrary} copies of {install.Path} are in use at once; return one first");
            Loaded[install.Path] = copy + 1;
        }
        LibPythonImage loaded = LibPythonImage.Load(install, copy);
        lock (Gate) All.Add(loaded);
        return loaded;
    }

    public static void Return(LibPythonImage image)
    {
        image.End();
        lock (Gate)
        {
            if (!Idle.TryGetValue(image.Install.Path, out Stack<LibPythonImage>? idle)) Idle[image.Install.Path] = idle = new();
            idle.Push(image);
        }
    }

    /// <summary>Every image loaded so far (for load and restore timings).</summary>
    public static IReadOnlyList<LibPythonImage> Images()
    {
        lock (Gate) return [.. All];
    }
}
