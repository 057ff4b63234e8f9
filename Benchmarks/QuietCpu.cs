using System.Runtime.InteropServices;

namespace PymallocVerify.Benchmarks;

/// <summary>
/// Pins the calling thread to the CPU that runs a short calibration loop fastest right now. On this VM one vCPU at a
/// time is often slowed 1.5–2× by something outside the VM (another guest on its physical core, presumably): the
/// same loop measured 8 ns per pair on one vCPU and 16–17 ns on the other, in thread CPU time, for minutes on end.
/// Unpinned, each BenchmarkDotNet process landed on either, so rows of one table were measured on different
/// "machines". Pinned after calibration, every process measures on the quieter vCPU of its moment.
/// Set <c>PYMALLOC_BENCH_PIN=0</c> to measure unpinned.
/// </summary>
public static partial class QuietCpu
{
    public const string DisableVariable = "PYMALLOC_BENCH_PIN";

    private const int CalibrationRounds = 3;
    private static readonly ThreadCpuClock Clock = new();
    private static ulong _sink; // keeps the calibration loop from being optimised away

    /// <summary>Pins the calling thread; returns a line describing the choice (for the benchmark log).</summary>
    public static string PinCurrentThread()
    {
        if (Environment.GetEnvironmentVariable(DisableVariable) == "0") return $"// not pinned ({DisableVariable}=0)";
        if (!OperatingSystem.IsLinux()) return "// not pinned (calibrated pinning needs Linux)";

        if (SchedGetAffinity(0, sizeof(ulong), out ulong allowed) != 0)
            return $"// not pinned (sched_getaffinity failed: errno {Marshal.GetLastPInvokeError()})";
        int[] cpus = Enumerable.Range(0, 64).Where(cpu => (allowed >> cpu & 1) != 0).ToArray();
        if (cpus.Length < 2) return $"// not pinned (only cpu {string.Join(",", cpus)} allowed)";

        var fastest = new double[cpus.Length];
        Array.Fill(fastest, double.MaxValue);
        for (int round = 0; round < CalibrationRounds; round++)
        {
            for (int i = 0; i < cpus.Length; i++)
            {
                Pin(cpus[i]);
                fastest[i] = Math.Min(fastest[i], CalibrationMicroseconds());
            }
        }
        int best = Array.IndexOf(fastest, fastest.Min());
        Pin(cpus[best]);
        return $"// benchmark thread pinned to cpu {cpus[best]}; calibration (µs of thread CPU, best of {CalibrationRounds}): " +
               string.Join(", ", cpus.Select((cpu, i) => $"cpu{cpu} {fastest[i]:F0}"));
    }

    private static void Pin(int cpu)
    {
        ulong mask = 1UL << cpu;
        if (SchedSetAffinity(0, sizeof(ulong), in mask) != 0)
            throw new InvalidOperationException($"sched_setaffinity(cpu {cpu}) failed: errno {Marshal.GetLastPInvokeError()}");
        Thread.Yield(); // let the scheduler move the thread now, not during the calibration
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

    [LibraryImport("libc", EntryPoint = "sched_getaffinity", SetLastError = true)]
    private static partial int SchedGetAffinity(int threadId, nuint size, out ulong mask);

    [LibraryImport("libc", EntryPoint = "sched_setaffinity", SetLastError = true)]
    private static partial int SchedSetAffinity(int threadId, nuint size, in ulong mask);
}
