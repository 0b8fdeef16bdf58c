using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace VideoGradCam.Study.Pipeline;

/// <summary>
/// The convention of the study's result files (metrics.json, odometry.json) for a metric that was not measured: its
/// value is <c>null</c>, and the top-level object <c>notMeasured</c> maps its JSON path (e.g.
/// <c>$.cam.r3d18.methods[0].PointingGame</c>) to the reason. A metric not measured is one that came out NaN or
/// infinite.
/// </summary>
public static class NotMeasuredJson
{
    /// <summary>The name of the top-level object of reasons.</summary>
    public const string Property = "notMeasured";

    static readonly JsonSerializerOptions Literals =
        new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary><paramref name="value"/> as a JSON tree whose non-finite numbers are still marked (as the strings
    /// "NaN", "Infinity", "-Infinity"), for <see cref="Mark"/> to replace.</summary>
    public static JsonNode Serialize(object value) => JsonSerializer.SerializeToNode(value, Literals)!;

    /// <summary>Replaces every marked non-finite number of <paramref name="root"/> (built by <see cref="Serialize"/>)
    /// by null and records <paramref name="reason"/> of its path in <see cref="Property"/> (added only when one was
    /// found).</summary>
    public static void Mark(JsonObject root, Func<string, string> reason)
    {
        var notes = new JsonObject();
        Visit(root, notes, reason);
        if (notes.Count > 0) root[Property] = notes;
    }

    static void Visit(JsonNode node, JsonObject notes, Func<string, string> reason)
    {
        if (node is JsonObject o)
            foreach (var key in o.Select(kv => kv.Key).ToList()) Replace(o[key], notes, reason, v => o[key] = v);
        else if (node is JsonArray a)
            for (int i = 0; i < a.Count; i++)
            {
                int index = i;
                Replace(a[i], notes, reason, v => a[index] = v);
            }
    }

    static void Replace(JsonNode? child, JsonObject notes, Func<string, string> reason, Action<JsonNode?> set)
    {
        if (child is null) return;
        if (child is JsonValue v && v.GetValueKind() == JsonValueKind.String
            && v.GetValue<string>() is "NaN" or "Infinity" or "-Infinity")
        {
            var path = child.GetPath();
            notes[path] = reason(path);
            set(null);
        }
        else Visit(child, notes, reason);
    }
}
