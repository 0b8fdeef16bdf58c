using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoGradCam.Runtime;

/// <summary>
/// How the workspace writes and reads JSON. A NaN or infinite double or float is written as <c>null</c>, so writing
/// never fails on one; reading gives NaN back for <c>null</c>, and still accepts the named literals ("NaN",
/// "Infinity", "-Infinity") of files written before. Finite numbers are written exactly as the serializer's defaults
/// write them.
/// </summary>
public static class JsonDefaults
{
    /// <summary>Indented, property names as declared.</summary>
    public static readonly JsonSerializerOptions Indented = Create();

    /// <summary>One line, property names as declared.</summary>
    public static readonly JsonSerializerOptions Compact = Create(indented: false);

    /// <summary>Indented, camelCase property names.</summary>
    public static readonly JsonSerializerOptions CamelCase = Create(JsonNamingPolicy.CamelCase);

    /// <summary>Indented, snake_case property names.</summary>
    public static readonly JsonSerializerOptions SnakeCase = Create(JsonNamingPolicy.SnakeCaseLower);

    /// <summary>New options with the non-finite converters (for a variant the shared ones do not cover).</summary>
    /// <param name="enumNames">enums written and read by name instead of number.</param>
    public static JsonSerializerOptions Create(JsonNamingPolicy? naming = null, bool indented = true,
        bool enumNames = false)
    {
        var options = new JsonSerializerOptions { WriteIndented = indented, PropertyNamingPolicy = naming };
        if (enumNames) options.Converters.Add(new JsonStringEnumConverter());
        options.Converters.Add(new NonFiniteDouble());
        options.Converters.Add(new NonFiniteFloat());
        return options;
    }

    /// <summary>A double that may be NaN or infinite: null when it is.</summary>
    sealed class NonFiniteDouble : JsonConverter<double>
    {
        public override bool HandleNull => true;

        public override double Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) =>
            reader.TokenType switch
        {
            JsonTokenType.Null => double.NaN,
            JsonTokenType.Number => reader.GetDouble(),
            JsonTokenType.String => ParseLiteral(reader.GetString()!),
            _ => throw new JsonException($"expected a number, found {reader.TokenType}"),
        };

        public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
        {
            if (double.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }

    /// <summary>A float that may be NaN or infinite: null when it is.</summary>
    sealed class NonFiniteFloat : JsonConverter<float>
    {
        public override bool HandleNull => true;

        public override float Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) =>
            reader.TokenType switch
        {
            JsonTokenType.Null => float.NaN,
            JsonTokenType.Number => reader.GetSingle(),
            JsonTokenType.String => (float)ParseLiteral(reader.GetString()!),
            _ => throw new JsonException($"expected a number, found {reader.TokenType}"),
        };

        public override void Write(Utf8JsonWriter writer, float value, JsonSerializerOptions options)
        {
            if (float.IsFinite(value)) writer.WriteNumberValue(value);
            else writer.WriteNullValue();
        }
    }

    /// <summary>A number written as a string: a named literal of older files, or digits.</summary>
    static double ParseLiteral(string text) => text switch
    {
        "NaN" => double.NaN,
        "Infinity" => double.PositiveInfinity,
        "-Infinity" => double.NegativeInfinity,
        _ => double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v)
            ? v : throw new JsonException($"'{text}' is not a number"),
    };
}
