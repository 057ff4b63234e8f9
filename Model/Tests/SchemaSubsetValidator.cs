using System.Text.Json;
using System.Text.Json.Nodes;

namespace PymallocVerify.Model.Tests;

/// <summary>
/// Checks a JSON document against a JSON Schema written in the subset the schema exporter emits (type, properties,
/// required, additionalProperties, items, enum, const, anyOf). Refuses a schema keyword outside that subset, so a
/// schema that grows one is noticed rather than half-checked. Returns the first violation with its path, or null.
/// </summary>
public static class SchemaSubsetValidator
{
    private static readonly HashSet<string> Known =
        ["$schema", "title", "type", "properties", "required", "additionalProperties", "items", "enum", "const", "anyOf", "default"];

    public static string? FirstViolation(JsonNode? schema, JsonNode? value, string path = "$")
    {
        if (schema is not JsonObject s) return null;
        foreach (var (keyword, _) in s)
            if (!Known.Contains(keyword)) throw new NotSupportedException($"schema keyword '{keyword}' at {path} is outside the checked subset");

        if (s["type"] is { } type && !TypeMatches(type, value)) return $"{path}: expected {type.ToJsonString()}, got {Kind(value)}";
        if (s["const"] is { } constant && !JsonNode.DeepEquals(constant, value)) return $"{path}: expected {constant.ToJsonString()}";
        if (s["enum"] is JsonArray allowed && !allowed.Any(a => JsonNode.DeepEquals(a, value))) return $"{path}: {value?.ToJsonString()} is not one of {allowed.ToJsonString()}";
        if (s["anyOf"] is JsonArray options)
        {
            var reasons = options.Select(o => FirstViolation(o, value, path)).ToList();
            if (reasons.All(r => r is not null)) return $"{path}: matches none of its {options.Count} forms ({reasons[0]})";
        }
        if (value is JsonObject obj)
        {
            var properties = s["properties"] as JsonObject;
            if (s["required"] is JsonArray required)
                foreach (string name in required.Select(r => r!.GetValue<string>()))
                    if (!obj.ContainsKey(name)) return $"{path}: missing \"{name}\"";
            foreach (var (name, child) in obj)
            {
                if (properties?[name] is { } childSchema)
                {
                    if (FirstViolation(childSchema, child, $"{path}.{name}") is { } bad) return bad;
                }
                else if (s["additionalProperties"] is JsonValue extra && !extra.GetValue<bool>())
                    return $"{path}: unknown field \"{name}\"";
            }
        }
        if (value is JsonArray array && s["items"] is { } items)
            for (int i = 0; i < array.Count; i++)
                if (FirstViolation(items, array[i], $"{path}[{i}]") is { } bad) return bad;
        return null;
    }

    private static bool TypeMatches(JsonNode type, JsonNode? value) => type switch
    {
        JsonArray any => any.Any(t => TypeMatches(t!, value)),
        _ => type.GetValue<string>() switch
        {
            "null" => value is null,
            "object" => value is JsonObject,
            "array" => value is JsonArray,
            "string" => value is JsonValue v && v.GetValueKind() == JsonValueKind.String,
            "boolean" => value is JsonValue v && v.GetValueKind() is JsonValueKind.True or JsonValueKind.False,
            "integer" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number && !v.ToJsonString().Contains('.') && !v.ToJsonString().Contains('e'),
            "number" => value is JsonValue v && v.GetValueKind() == JsonValueKind.Number,
            var other => throw new NotSupportedException($"schema type '{other}'"),
        },
    };

    private static string Kind(JsonNode? value) => value switch
    {
        null => "null",
        JsonObject => "an object",
        JsonArray => "an array",
        JsonValue v => v.GetValueKind().ToString().ToLowerInvariant(),
        _ => "something else",
    };
}
