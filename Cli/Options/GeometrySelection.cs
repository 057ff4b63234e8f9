using PymallocVerify.Allocator;

namespace PymallocVerify.Cli.Options;

/// <summary><c>--geometry classic|modern|tiny|all</c> (or a comma-separated list of presets).</summary>
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
            Geometry? preset = Geometry.Presets.FirstOrDefault(
                g => string.Equals(g.Name, name, StringComparison.OrdinalIgnoreCase));
            if (preset is null)
            {
                error = $"unknown geometry '{name}'; expected one of: {string.Join(", ", Geometry.Presets.Select(p => p.Name))}, all";
                return false;
            }
            chosen.Add(preset);
        }
        geometries = chosen.Distinct().ToList();
        return true;
    }
}
