using System.Text;
using System.Text.Json.Nodes;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// Walks a JSON document to derive damaged copies of it, field by field: what the hostile-input tests of the file
/// reader (Model) and of <c>replay</c> (Cli, which links this file) both need.
/// </summary>
public static class JsonDamage
{
    /// <summary>Every member of every object, with the path of its object ("$.operations[0]"); arrays up to three items.</summary>
    public static IEnumerable<(string Path, string Key)> Members(JsonNode node, string path = "$")
    {
        if (node is JsonObject obj)
            foreach (var (key, value) in obj.ToList())
            {
                yield return (path, key);
                if (value is not null) foreach (var m in Members(value, $"{path}.{key}")) yield return m;
            }
        else if (node is JsonArray array)
            for (int i = 0; i < Math.Min(array.Count, 3); i++)
                if (array[i] is { } item) foreach (var m in Members(item, $"{path}[{i}]")) yield return m;
    }

    /// <summary>The object at <paramref name="path"/> (as <see cref="Members"/> names it) in <paramref name="root"/>.</summary>
    public static JsonObject Resolve(JsonNode root, string path)
    {
        JsonNode node = root;
        foreach (string part in path[1..].Split('.', StringSplitOptions.RemoveEmptyEntries))
        {
            int bracket = part.IndexOf('[');
            node = node[bracket < 0 ? part : part[..bracket]]!;
            if (bracket >= 0) node = node[int.Parse(part[(bracket + 1)..^1])]!;
        }
        return (JsonObject)node;
    }

    public static byte[] Bytes(JsonNode node) => Encoding.UTF8.GetBytes(node.ToJsonString());
}
