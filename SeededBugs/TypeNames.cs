namespace PymallocVerify.SeededBugs;

/// <summary>C#-style type names for the catalog's table: <c>BrokenPoolIndexOracle&lt;NoBoundCheck&gt;</c>, not <c>BrokenPoolIndexOracle`1</c>.</summary>
public static class TypeNames
{
    public static string Of(Type type)
    {
        if (!type.IsGenericType) return type.Name;
        string name = type.Name[..type.Name.IndexOf('`', StringComparison.Ordinal)];
        return $"{name}<{string.Join(", ", type.GetGenericArguments().Select(Of))}>";
    }
}
