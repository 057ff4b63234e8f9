using System.Diagnostics;
using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace PymallocVerify.Benchmarks.SelfChecks;

/// <summary>
/// `--profile SUITE METHOD [Name=Value ...] [--seconds N]`: runs one benchmark body in a loop in this process, for
/// an external profiler (perf record with DOTNET_PerfMapEnabled=1, dotnet-trace) or DOTNET_JitDisasm to look at.
/// Prints the body's mean time per call only as orientation; BenchmarkDotNet's numbers are the measurements.
/// </summary>
public static class ProfileLoop
{
    public static int Run(string[] arguments, TextWriter output)
    {
        if (arguments.Length < 2)
        {
            Console.Error.WriteLine("usage: --profile SUITE METHOD [Name=Value ...] [--seconds N]");
            return 2;
        }
        Type? type = SelfCheckRunner.BenchmarkTypes().FirstOrDefault(t => t.Name.Equals(arguments[0], StringComparison.OrdinalIgnoreCase));
        MethodInfo? body = type?.GetMethods().FirstOrDefault(m =>
            m.IsDefined(typeof(BenchmarkAttribute)) && m.Name.Equals(arguments[1], StringComparison.OrdinalIgnoreCase));
        if (type is null || body is null)
        {
            Console.Error.WriteLine($"no benchmark '{arguments[0]}.{arguments[1]}'; suites: " +
                                    string.Join(", ", SelfCheckRunner.BenchmarkTypes().Select(t => t.Name)));
            return 2;
        }

        double seconds = 10;
        object instance = Activator.CreateInstance(type)!;
        for (int i = 2; i < arguments.Length; i++)
        {
            if (arguments[i] == "--seconds" && i + 1 < arguments.Length && double.TryParse(arguments[++i], out seconds)) continue;
            string[] pair = arguments[i].Split('=', 2);
            if (pair.Length != 2 || !SelfCheckRunner.TrySetParameter(instance, pair[0], pair[1]))
            {
                Console.Error.WriteLine($"'{arguments[i]}' is neither --seconds N nor Name=Value for a parameter of {type.Name}");
                return 2;
            }
        }

        SelfCheckRunner.InvokeTargeted<GlobalSetupAttribute>(instance, body.Name);
        var action = body.ReturnType == typeof(void)
            ? body.CreateDelegate<Action>(instance)
            : () => body.Invoke(instance, null);
        long calls = 0;
        TimeSpan cpuBefore = Environment.CpuUsage.TotalTime;
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed.TotalSeconds < seconds)
        {
            action();
            calls++;
        }
        clock.Stop();
        TimeSpan cpu = Environment.CpuUsage.TotalTime - cpuBefore;
        SelfCheckRunner.InvokeTargeted<GlobalCleanupAttribute>(instance, body.Name);
        output.WriteLine($"{type.Name}.{body.Name}: {calls} calls in {clock.Elapsed.TotalSeconds:F1} s, " +
                         $"{clock.Elapsed.TotalMilliseconds * 1e6 / calls:F0} ns wall / {cpu.TotalMilliseconds * 1e6 / calls:F0} ns process CPU " +
                         "per call (orientation only: BenchmarkDotNet's numbers are the measurements)");
        return 0;
    }
}
