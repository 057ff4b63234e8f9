using System.Globalization;
using System.Runtime.InteropServices;

namespace PymallocVerify.Benchmarks;

/// <summary>
/// Pins the calling thread to the CPU that runs a short calibration loop fastest right now. On this VM one vCPU at a
/// time is often slowed 1.5–2× by something outside the VM (another guest on its physical core, presumably): the
/// same loop measured 8 ns per pair on one vCPU and 16–17 ns on the other, in thread CPU time, for minutes on end.
/// Unpinned, each BenchmarkDotNet process landed on either, so rows of one table were measured on different
/// "machines". Pinned after calibration, every process measures on the quieter vCPU of its moment.
/// Threads the pinned thread starts afterwards inherit the pin (Linux semantics); BenchmarkDotNet runs each case in a
/// process of its own, and the in-process runners (--validate, --profile, the renderer) call <see cref="Restore"/>.
/// Set <c>PYMALLOC_BENCH_PIN=0</c> to measure unpinned.
/// <para>Sometimes both vCPUs are slowed at once, and pinning cannot help. When <c>PYMALLOC_BENCH_QUIET_FILE</c> names
/// a file (run.sh sets it for the run), the fastest calibration any process of the run has seen is kept there, and a
/// process whose best vCPU is more than 10% slower than that waits, recalibrating once a second, up to
/// <c>PYMALLOC_BENCH_QUIET_WAIT</c> seconds (default 15) before it measures anyway. The log line says so.</para>
/// </summary>
public static unsafe partial class QuietCpu
{
    public const string DisableVariable = "PYMALLOC_BENCH_PIN";
    public const string QuietFileVariable = "PYMALLOC_BENCH_QUIET_FILE";
    public const string QuietWaitVariable = "PYMALLOC_BENCH_QUIET_WAIT";

    /// <summary>How much slower than the run's fastest calibration a vCPU may be and still count as quiet.</summary>
    private const double QuietTolerance = 1.10;
    private const int DefaultQuietWaitSeconds = 15;

    private const int CalibrationRounds = 3;
    private const int MaskWords = 16; // 1024 CPUs: the kernel rejects a mask shorter than its count of possible CPUs
    private static readonly ThreadCpuClock Clock = new();
    private static ulong _sink; // keeps the calibration loop from being optimised away

    [ThreadStatic] private static ulong[]? _original;

    /// <summary>Pins the calling thread; returns a line describing the choice (for the benchmark log). Never throws.</summary>
    public static string PinCurrentThread()
    {
        if (Environment.GetEnvironmentVariable(DisableVariable) == "0") return $"// not pinned ({DisableVariable}=0)";
        if (!OperatingSystem.IsLinux()) return "// not pinned (calibrated pinning needs Linux)";

        var allowed = new ulong[MaskWords];
        if (!TryGetAffinity(allowed, out string? failure)) return $"// not pinned ({failure})";
        int[] cpus = Enumerable.Range(0, MaskWords * 64).Where(cpu => (allowed[cpu / 64] >> (cpu % 64) & 1) != 0).ToArray();
        if (cpus.Length < 2) return $"// not pinned (only cpu {string.Join(",", cpus)} allowed)";

        _original ??= allowed;
        var fastest = new double[cpus.Length];
        if (!TryCalibrate(cpus, fastest, out failure)) return RestoreAfter(failure!);

        string? quietFile = Environment.GetEnvironmentVariable(QuietFileVariable);
        string waited = "";
        if (!string.IsNullOrEmpty(quietFile))
        {
            double runBest = Math.Min(ReadRunBest(quietFile), fastest.Min());
            int maxWait = int.TryParse(Environment.GetEnvironmentVariable(QuietWaitVariable), out int seconds) && seconds >= 0
                ? seconds : DefaultQuietWaitSeconds;
            bool Slowed() => fastest.Min() > runBest * QuietTolerance;
            int slept = 0;
            while (Slowed() && slept < maxWait)
            {
                Thread.Sleep(1000);
                slept++;
                if (!TryCalibrate(cpus, fastest, out failure)) return RestoreAfter(failure!);
            }
            WriteRunBest(quietFile, Math.Min(runBest, fastest.Min()));
            if (slept > 0)
                waited = Slowed()
                    ? $"; still slowed after waiting {slept} s (run's best {runBest:F0} µs)"
                    : $"; waited {slept} s for a quiet vCPU (run's best {runBest:F0} µs)";
        }

        int best = Array.IndexOf(fastest, fastest.Min());
        if (!TryPin(cpus[best], out failure)) return RestoreAfter(failure!);
        return $"// benchmark thread pinned to cpu {cpus[best]}; calibration (µs of thread CPU, best of {CalibrationRounds}): " +
               string.Join(", ", cpus.Select((cpu, i) => $"cpu{cpu} {fastest[i]:F0}")) + waited;
    }

    /// <summary>Fills <paramref name="fastest"/> with each CPU's best of <see cref="CalibrationRounds"/> calibration loops.</summary>
    private static bool TryCalibrate(int[] cpus, double[] fastest, out string? failure)
    {
        Array.Fill(fastest, double.MaxValue);
        failure = null;
        for (int round = 0; round < CalibrationRounds; round++)
        {
            for (int i = 0; i < cpus.Length; i++)
            {
                if (!TryPin(cpus[i], out failure)) return false;
                fastest[i] = Math.Min(fastest[i], CalibrationMicroseconds());
            }
        }
        return true;
    }

    /// <summary>The fastest calibration recorded in the run's file; +∞ when there is none yet or it cannot be read.</summary>
    private static double ReadRunBest(string path)
    {
        try
        {
            return File.Exists(path) && double.TryParse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture, out double value)
                ? value : double.PositiveInfinity;
        }
        catch (IOException) { return double.PositiveInfinity; }
        catch (UnauthorizedAccessException) { return double.PositiveInfinity; }
    }

    // Best effort: BenchmarkDotNet runs its processes one after another, and a lost update only makes a later one wait less.
    private static void WriteRunBest(string path, double value)
    {
        try { File.WriteAllText(path, value.ToString("F1", CultureInfo.InvariantCulture)); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>Gives the calling thread back the CPUs it had before <see cref="PinCurrentThread"/> (no-op if never pinned).</summary>
    public static void Restore()
    {
        if (_original is not { } original) return;
        fixed (ulong* mask = original) SchedSetAffinity(0, MaskWords * sizeof(ulong), mask);
        _original = null;
    }

    private static string RestoreAfter(string failure)
    {
        Restore();
        return $"// not pinned ({failure})";
    }

    private static bool TryGetAffinity(ulong[] allowed, out string? failure)
    {
        fixed (ulong* mask = allowed)
        {
            failure = SchedGetAffinity(0, MaskWords * sizeof(ulong), mask) < 0
                ? $"sched_getaffinity failed: errno {Marshal.GetLastPInvokeError()}" : null;
        }
        return failure is null;
    }

    // sched_setaffinity moves the calling thread onto the CPU before it returns.
    private static bool TryPin(int cpu, out string? failure)
    {
        ulong* mask = stackalloc ulong[MaskWords];
        new Span<ulong>(mask, MaskWords).Clear();
        mask[cpu / 64] = 1UL << (cpu % 64);
        failure = SchedSetAffinity(0, MaskWords * sizeof(ulong), mask) != 0
            ? $"sched_setaffinity(cpu {cpu}) failed: errno {Marshal.GetLastPInvokeError()}" : null;
        return failure is null;
    }

    /// <summary>Dependent loads, stores and arithmetic in a 16 KiB buffer: the kind of work the allocator loops do.</summary>
    private static double CalibrationMicroseconds()
    {
        Span<ulong> buffer = stackalloc ulong[2048];
        buffer.Clear();
        ulong x = 0x9E3779B97F4A7C15;
        long start = Clock.GetTimestamp();
        for (int i = 0; i < 200_000; i++)
        {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            int slot = (int)((x ^ buffer[(int)(x & 2047)]) & 2047);
            buffer[slot] += x;
        }
        long elapsed = Clock.GetTimestamp() - start;
        Volatile.Write(ref _sink, buffer[(int)(x & 2047)]);
        return elapsed / 1000.0;
    }

    // glibc's wrappers return 0 on success and -1 with errno on failure (the raw sched_getaffinity syscall returns a size).
    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int threadId, nuint size, ulong* mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int threadId, nuint size, ulong* mask);
}
