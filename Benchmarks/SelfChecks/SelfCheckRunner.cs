using System.Reflection;
using BenchmarkDotNet.Attributes;

namespace PymallocVerify.Benchmarks.SelfChecks;

/// <summary>
/// `--validate`: runs every benchmark body of every suite, for every [Params] combination, outside BenchmarkDotNet
/// (setup, the body three to five times, <see cref="ISelfChecked.Verify"/>, cleanup) and reports one line per case. For classes marked
/// <see cref="NoManagedAllocationAttribute"/> the second run must allocate 0 managed bytes. Measures no time.
/// </summary>
public static class SelfCheckRunner
{
    public static int Run(TextWriter output, string? typeFilter)
    {
        int passed = 0, failed = 0;
        foreach (Type type in BenchmarkTypes())
        {
            if (typeFilter is not null && !type.Name.Contains(typeFilter, StringComparison.OrdinalIgnoreCase)) continue;
            foreach (var parameters in ParameterCombinations(type))
            {
                foreach (MethodInfo benchmark in type.GetMethods().Where(m => m.IsDefined(typeof(BenchmarkAttribute))))
                {
                    string name = $"{type.Name}.{benchmark.Name}({string.Join(", ", parameters.Select(p => $"{p.Member.Name}={p.Value}"))})";
                    try
                    {
                        RunOnce(type, benchmark, parameters);
                        output.WriteLine($"ok    {name}");
                        passed++;
                    }
                    catch (Exception e)
                    {
                        Exception reason = e is TargetInvocationException { InnerException: { } inner } ? inner : e;
                        output.WriteLine($"FAIL  {name}: {reason.GetType().Name}: {reason.Message}");
                        failed++;
                    }
                }
            }
        }
        output.WriteLine($"self-check: {passed} passed, {failed} failed");
        return failed == 0 && passed > 0 ? 0 : 1;
    }

    public static IEnumerable<Type> BenchmarkTypes() =>
        typeof(SelfCheckRunner).Assembly.GetTypes()
            .Where(t => t is { IsClass: true, IsAbstract: false } && t.GetMethods().Any(m => m.IsDefined(typeof(BenchmarkAttribute))))
            .OrderBy(t => t.Name, StringComparer.Ordinal);

    private static void RunOnce(Type type, MethodInfo benchmark, IReadOnlyList<(PropertyInfo Member, object? Value)> parameters)
    {
        // Some suites run libraries that talk (Coyote prints its iterations): keep the self-check's output to one line per case.
        TextWriter console = Console.Out;
        Console.SetOut(TextWriter.Null);
        try
        {
            RunQuietly(type, benchmark, parameters);
        }
        finally
        {
            Console.SetOut(console);
        }
    }

    private static void RunQuietly(Type type, MethodInfo benchmark, IReadOnlyList<(PropertyInfo Member, object? Value)> parameters)
    {
        object instance = Activator.CreateInstance(type)!;
        foreach (var (member, value) in parameters) member.SetValue(instance, value);
        InvokeTargeted<GlobalSetupAttribute>(instance, benchmark.Name);
        try
        {
            benchmark.Invoke(instance, null); // first run: JIT, type loading, lazy statics
            var (allocated, result) = Measure(instance, benchmark);
            if (type.IsDefined(typeof(NoManagedAllocationAttribute)))
            {
                // The runtime itself may allocate on this thread now and then (tiering installs new code); a body that
                // allocates does so on every call, so one clean call out of three shows the body itself allocates nothing.
                for (int retry = 0; retry < 2 && allocated != 0; retry++) (allocated, result) = Measure(instance, benchmark);
                Check.That(allocated == 0, $"the body allocated {allocated} managed bytes");
            }
            if (instance is ISelfChecked checkedSuite) checkedSuite.Verify(benchmark.Name, result);
            else throw new SelfCheckFailedException($"{type.Name} does not implement {nameof(ISelfChecked)}");
        }
        finally
        {
            InvokeTargeted<GlobalCleanupAttribute>(instance, benchmark.Name);
            QuietCpu.Restore(); // the next suite (Coyote's threads, say) must not inherit this one's pin
        }
    }

    /// <summary>Sets a [Params] property from its text (as BenchmarkDotNet prints it); false if there is no such property.</summary>
    public static bool TrySetParameter(object instance, string name, string text)
    {
        PropertyInfo? property = instance.GetType().GetProperty(name);
        if (property is null || !property.IsDefined(typeof(ParamsAttribute))) return false;
        object value = property.PropertyType.IsEnum
            ? Enum.Parse(property.PropertyType, text, ignoreCase: true)
            : Convert.ChangeType(text, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture);
        property.SetValue(instance, value);
        return true;
    }

    /// <summary>Runs the setup or cleanup methods that apply to <paramref name="benchmark"/> (no target = all).</summary>
    public static void InvokeTargeted<TAttribute>(object instance, string benchmark) where TAttribute : TargetedAttribute
    {
        foreach (MethodInfo method in instance.GetType().GetMethods())
        {
            var attribute = method.GetCustomAttribute<TAttribute>();
            if (attribute is null) continue;
            if (attribute.Targets is { Length: > 0 } targets && !targets.Contains(benchmark)) continue;
            method.Invoke(instance, null);
        }
    }

    private static IEnumerable<IReadOnlyList<(PropertyInfo Member, object? Value)>> ParameterCombinations(Type type)
    {
        var axes = type.GetProperties()
            .Select(p => (Property: p, Values: p.GetCustomAttribute<ParamsAttribute>()?.Values))
            .Where(a => a.Values is not null)
            .ToList();
        IEnumerable<IReadOnlyList<(PropertyInfo, object?)>> combinations = [[]];
        foreach (var (property, values) in axes)
            combinations = combinations.SelectMany(c => values!.Select(v => (IReadOnlyList<(PropertyInfo, object?)>)[.. c, (property, v)]));
        return combinations;
    }

    /// <summary>Calls the body through a typed delegate, so only the body's own allocations are counted.</summary>
    private static (long Allocated, object? Result) Measure(object instance, MethodInfo benchmark)
    {
        if (benchmark.ReturnType == typeof(void))
        {
            var action = benchmark.CreateDelegate<Action>(instance);
            long before = GC.GetAllocatedBytesForCurrentThread();
            action();
            return (GC.GetAllocatedBytesForCurrentThread() - before, null);
        }
        var measure = typeof(SelfCheckRunner).GetMethod(nameof(MeasureFunction), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(benchmark.ReturnType);
        Delegate function = benchmark.CreateDelegate(typeof(Func<>).MakeGenericType(benchmark.ReturnType), instance);
        var result = Array.CreateInstance(benchmark.ReturnType, 1);
        long allocated = (long)measure.Invoke(null, [function, result])!;
        return (allocated, result.GetValue(0));
    }

    /// <summary>The result goes to a typed array: boxing it here can be counted against the body (seen at tier 0).</summary>
    private static long MeasureFunction<T>(Func<T> function, T[] result)
    {
        long before = GC.GetAllocatedBytesForCurrentThread();
        result[0] = function();
        return GC.GetAllocatedBytesForCurrentThread() - before;
    }
}
