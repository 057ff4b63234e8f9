using System.Diagnostics;
using System.Runtime.InteropServices;

namespace PymallocVerify.Properties.Backend.CPython;

/// <summary>
/// One loaded copy of a libpython whose pymalloc runs without <c>Py_Initialize</c> (3.7–3.11 keep its state in file
/// statics and make pymalloc the object allocator by default). The file is copied to a fresh name before loading, so
/// every image has its own statics. The raw domain and the arena allocator are pointed at this image's current
/// <see cref="ILibPythonSystem"/>, then the writable part of the library's data segment is copied aside: restoring it
/// (<see cref="Begin"/>) gives a fresh allocator in microseconds instead of a fresh load in tens of milliseconds.
/// An image serves one thread at a time (<see cref="LibPythonImagePool"/> hands them out); it is never unloaded.
/// </summary>
public sealed unsafe class LibPythonImage
{
    private const int PymemDomainRaw = 0;

    private readonly nint _handle;
    private readonly GCHandle _self;
    private readonly byte* _snapshot;
    private readonly byte* _writable;
    private readonly nuint _writableLength;
    private ILibPythonSystem? _system;

    private readonly delegate* unmanaged<nuint, nint> _malloc;
    private readonly delegate* unmanaged<nuint, nuint, nint> _calloc;
    private readonly delegate* unmanaged<nint, nuint, nint> _realloc;
    private readonly delegate* unmanaged<nint, void> _free;
    private readonly delegate* unmanaged<nint> _allocatedBlocks;
    private readonly delegate* unmanaged<nint, int> _debugMallocStats;

    private LibPythonImage(LibPythonInstall install, string loadedFrom)
    {
        Install = install;
        _handle = NativeLibrary.Load(loadedFrom);
        _malloc = (delegate* unmanaged<nuint, nint>)Export("PyObject_Malloc");
        _calloc = (delegate* unmanaged<nuint, nuint, nint>)Export("PyObject_Calloc");
        _realloc = (delegate* unmanaged<nint, nuint, nint>)Export("PyObject_Realloc");
        _free = (delegate* unmanaged<nint, void>)Export("PyObject_Free");
        _allocatedBlocks = (delegate* unmanaged<nint>)Export("_Py_GetAllocatedBlocks");
        _debugMallocStats = (delegate* unmanaged<nint, int>)Export("_PyObject_DebugMallocStats");
        Banner = Marshal.PtrToStringUTF8(((delegate* unmanaged<nint>)Export("Py_GetVersion"))()) ?? "";

        _self = GCHandle.Alloc(this);
        nint context = GCHandle.ToIntPtr(_self);
        // Raw first, then arenas, both before the first PyObject_Malloc: nothing is allocated until then.
        PyMemAllocatorEx raw = LibPythonCallbacks.RawAllocator(context);
        ((delegate* unmanaged<int, PyMemAllocatorEx*, void>)Export("PyMem_SetAllocator"))(PymemDomainRaw, &raw);
        PyObjectArenaAllocator arenas = LibPythonCallbacks.ArenaAllocator(context);
        ((delegate* unmanaged<PyObjectArenaAllocator*, void>)Export("PyObject_SetArenaAllocator"))(&arenas);

        ElfWritableRange range = ElfWritableRange.Read(install.Path);
        _writable = (byte*)LoadBaseOf((nint)_malloc) + range.Start;
        _writableLength = (nuint)range.Length;
        _snapshot = (byte*)NativeMemory.Alloc(_writableLength);
        Buffer.MemoryCopy(_writable, _snapshot, _writableLength, _writableLength);
    }

    public LibPythonInstall Install { get; }

    /// <summary><c>Py_GetVersion()</c> of the loaded copy: which CPython really runs.</summary>
    public string Banner { get; }

    /// <summary>Copying the file and loading it (what a fresh load per case would cost).</summary>
    public TimeSpan LoadTime { get; private init; }

    /// <summary>Bytes of library statics restored per case.</summary>
    public long SnapshotBytes => (long)_writableLength;

    /// <summary>Time spent restoring the statics so far, and how often.</summary>
    public TimeSpan RestoreTime { get; private set; }
    public long Restores { get; private set; }

    internal ILibPythonSystem System => _system ?? throw new InvalidOperationException("libpython called back outside a session");

    /// <summary>Whether pymalloc of this minor version can be driven without Py_Initialize (state in file statics).</summary>
    public static string? UnsupportedReason(string version)
    {
        Version v = Version.Parse(version);
        if (v.Major != 3 || v.Minor < 7) return $"CPython {version} is older than 3.7, which this backend does not drive";
        if (v.Minor >= 12)
            return $"CPython {version} keeps pymalloc's state in the interpreter (3.12+): PyObject_Malloc without Py_Initialize crashes";
        return null;
    }

    /// <summary>Copies <paramref name="install"/>'s file to a fresh name, loads it, points its allocators here and snapshots its statics.</summary>
    public static LibPythonImage Load(LibPythonInstall install, int copyNumber)
    {
        if (UnsupportedReason(install.Version) is { } why) throw new NotSupportedException(why);
        var clock = Stopwatch.StartNew();
        string copy = Path.Combine(Path.GetTempPath(),
            $"pmv-libpython{install.Version}-{Environment.ProcessId}-{copyNumber}-{Guid.NewGuid():N}.so");
        File.Copy(install.Path, copy);
        try
        {
            var image = new LibPythonImage(install, copy) { LoadTime = clock.Elapsed };
            return image;
        }
        finally
        {
            File.Delete(copy); // the mapping keeps the file's pages; nothing is left behind in the temp directory
        }
    }

    /// <summary>Restores the statics saved at load (a fresh allocator, no arena) and routes callbacks to <paramref name="system"/>.</summary>
    public void Begin(ILibPythonSystem system)
    {
        if (_system is not null) throw new InvalidOperationException("the image is already in use");
        long start = Stopwatch.GetTimestamp();
        Buffer.MemoryCopy(_snapshot, _writable, _writableLength, _writableLength);
        RestoreTime += Stopwatch.GetElapsedTime(start);
        Restores++;
        _system = system;
    }

    /// <summary>The session is over; the image may be handed out again.</summary>
    public void End() => _system = null;

    public ulong Malloc(ulong size) => (ulong)_malloc((nuint)size);
    public ulong Calloc(ulong count, ulong size) => (ulong)_calloc((nuint)count, (nuint)size);
    public ulong Realloc(ulong address, ulong size) => (ulong)_realloc((nint)address, (nuint)size);
    public void Free(ulong address) => _free((nint)address);

    /// <summary><c>_Py_GetAllocatedBlocks()</c>.</summary>
    public long AllocatedBlocks() => _allocatedBlocks();

    /// <summary>The text <c>_PyObject_DebugMallocStats(FILE*)</c> prints (what <c>sys._debugmallocstats()</c> shows).</summary>
    public string DebugMallocStats()
    {
        nint buffer = 0;
        nuint size = 0;
        nint stream = LibC.open_memstream(&buffer, &size);
        if (stream == 0) throw new InvalidOperationException("open_memstream failed");
        try
        {
            _debugMallocStats(stream);
        }
        finally
        {
            LibC.fclose(stream);
        }
        try
        {
            return Marshal.PtrToStringUTF8(buffer, (int)size);
        }
        finally
        {
            LibC.free(buffer);
        }
    }

    private nint Export(string name) =>
        NativeLibrary.TryGetExport(_handle, name, out nint address)
            ? address
            : throw new EntryPointNotFoundException($"{Install.Path} does not export {name}");

    private static nint LoadBaseOf(nint symbol)
    {
        DlInfo info;
        if (LibC.Dladdr(symbol, &info) == 0 || info.BaseAddress == 0)
            throw new InvalidOperationException("dladdr could not find the load base of the copied libpython");
        return info.BaseAddress;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct DlInfo
    {
        public nint FileName;
        public nint BaseAddress;
        public nint SymbolName;
        public nint SymbolAddress;
    }

    private static class LibC
    {
        private const string Library = "libc.so.6";

        private static readonly delegate* unmanaged<nint, DlInfo*, int> DladdrEntry = FindDladdr();

        // glibc 2.34 moved dladdr from libdl into libc; older systems still have it in libdl.so.2.
        private static delegate* unmanaged<nint, DlInfo*, int> FindDladdr()
        {
            foreach (string library in new[] { Library, "libdl.so.2" })
                if (NativeLibrary.TryLoad(library, out nint handle) && NativeLibrary.TryGetExport(handle, "dladdr", out nint entry))
                    return (delegate* unmanaged<nint, DlInfo*, int>)entry;
            throw new EntryPointNotFoundException("dladdr is in neither libc.so.6 nor libdl.so.2");
        }

        public static int Dladdr(nint address, DlInfo* info) => DladdrEntry(address, info);

        [DllImport(Library)]
        public static extern nint open_memstream(nint* buffer, nuint* size);

        [DllImport(Library)]
        public static extern int fclose(nint stream);

        [DllImport(Library)]
        public static extern void free(nint pointer);
    }
}
