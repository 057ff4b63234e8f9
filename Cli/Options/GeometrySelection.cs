using PymallocVerify.Allocator;
using PymallocVerify.Properties;

namespace PymallocVerify.Cli.Options;

/// <summary><c>--geometry classic|modern|tiny|all</c> (or a comma-separated list of names <see cref="PropertyGeometries.FromName"/> knows).</summary>
public static class GeometrySelection
{
    public const string All = "all";

    public static bool TryParse(string? text, out IReadOnlyList<Geometry> geometries, out string? error)
    {
        geometries = [];
        error = null;
        var chosen = new List<Geometry>();
        foreach (string name in (text ?? "").Split(',', StringSplitOptions.TrimEntries))
        {
            if (string.Equals(name, All, StringComparison.OrdinalIgnoreCase))
            {
                chosen.AddRange(Geometry.Presets);
                continue;
            }
            try
            {
                chosen.Add(PropertyGeometries.FromName(name));
            }
            catch (ArgumentException e)
            {
                error = e.Message + $", {All}";
                return false;
            }
        }
        geometries = chosen.Distinct().ToList();
        return true;
    }
}
