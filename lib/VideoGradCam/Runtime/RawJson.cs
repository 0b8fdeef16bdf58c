using System.Text.Json;
using System.Text.Json.Serialization;

namespace VideoGradCam.Runtime;

/// <summary>JSON text that the serializer writes as it is (e.g. a large array of numbers formatted by hand, which is
/// many times faster than serializing them one by one). Not validated: the text must be valid JSON. Write-only.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed record RawJson(string Text)
{
    sealed class RawJsonConverter : JsonConverter<RawJson>
    {
        public override RawJson Read(ref Utf8JsonReader reader, Type type, JsonSerializerOptions options) =>
            throw new NotSupportedException("RawJson is write-only.");

        public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
            writer.WriteRawValue(value.Text, skipInputValidation: true);
    }
}
