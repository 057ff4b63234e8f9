using System.Diagnostics;
using System.Reflection;

namespace PymallocVerify.Allocator.Simulated;

/// <summary>
/// Names the code that made a reported access, e.g. "PymallocHeap.Free": the first stack frame outside this
/// namespace and <see cref="PoolHeader"/>. The heap reaches the space through <see cref="IMemorySpace"/>, whose
/// signatures carry no caller name, so the stack is walked — only when an error is recorded, never on the fast
/// path. Frames the JIT inlined (Release builds) name the method they were inlined into.
/// </summary>
internal static class CodeSite
{
    public static string Capture()
    {
        // Stryker disable once Boolean : file and line information is not part of the name
        var trace = new StackTrace(1, false);
        // Stryker disable once Equality : the frame one past the last is null, which is skipped like a frame with no method
        for (int i = 0; i < trace.FrameCount; i++)
        {
            MethodBase? method = trace.GetFrame(i)?.GetMethod();
            Type? type = method?.DeclaringType;
            if (method is null || type is null) continue;
            if (type.Namespace == typeof(CodeSite).Namespace || type == typeof(PoolHeader)) continue;
            // Stryker disable once Boolean : StackTraceHiddenAttribute is not inherited, so asking for inherited ones finds the same
            if (type.IsDefined(typeof(StackTraceHiddenAttribute), false)) continue; // e.g. a backend wrapper that records events
            return $"{TypeName(type)}.{MethodName(method.Name)}";
        }
        // Stryker disable once String : never reached: every stack ends in the runtime's own frames (e.g. Thread.StartCallback), outside this namespace
        return "(unknown)";
    }

    private static string TypeName(Type type)
    {
        // Lambdas and local functions live in compiler-generated nested types ("<>c", "<>c__DisplayClass3_0").
        while (type.Name.StartsWith('<') && type.DeclaringType is { } outer) type = outer;
        return type.Name.Split('`')[0]; // "List`1" → "List"
    }

    private static string MethodName(string name)
    {
        // "<Free>g__Local|5_0" or "<Run>b__0" → the user-written method "Free" / "Run".
        if (name.StartsWith('<'))
        {
            int close = name.IndexOf('>');
            if (close > 1) return name[1..close];
        }
        return name;
    }
}
