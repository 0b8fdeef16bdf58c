using System.Text.Json;
using VideoGradCam.Runtime;
using System.Text.Json.Serialization;
using OpenCvSharp;
using static TorchSharp.torch;
// JSON names: camelCase (see data/README.md).

namespace VideoGradCam.Video;

/// <summary>An axis-aligned box in frame pixels.</summary>
public sealed record Box(int X, int Y, int Width, int Height);

/// <summary>Frames [Start, End) where the action happens.</summary>
public sealed record FrameWindow(int Start, int End)
{
    [JsonIgnore] public int Length => End - Start;
    public bool Contains(int frame) => frame >= Start && frame < End;
}

/// <summary>
/// The ground truth of one synthetic clip (the JSON beside its video, documented in data/README.md): the label,
/// the action window, per-frame relevance, per-frame evidence boxes, and per-frame evidence masks
/// (a PNG strip). Explanation metrics compare maps with these.
/// </summary>
public sealed record ClipAnnotation
{
    [JsonPropertyName("label")] public required string Label { get; init; }
    [JsonPropertyName("labelIndex")] public required int LabelIndex { get; init; }
    [JsonPropertyName("video")] public required string Video { get; init; }
    [JsonPropertyName("masks")] public required string Masks { get; init; }
    [JsonPropertyName("frames")] public required int Frames { get; init; }
    [JsonPropertyName("width")] public required int Width { get; init; }
    [JsonPropertyName("height")] public required int Height { get; init; }
    [JsonPropertyName("fps")] public required double FramesPerSecond { get; init; }
    [JsonPropertyName("window")] public required FrameWindow Window { get; init; }
    /// <summary>Per frame: true inside the action window.</summary>
    [JsonPropertyName("relevant")] public required bool[] Relevant { get; init; }
    /// <summary>Per frame: the boxes of the class evidence (empty outside the window).</summary>
    [JsonPropertyName("evidenceBoxes")] public required Box[][] EvidenceBoxes { get; init; }
    /// <summary>Per frame: the box of the moving distractor (no class evidence).</summary>
    [JsonPropertyName("distractorBoxes")] public required Box[] DistractorBoxes { get; init; }
    /// <summary>The box of the actor's body (shared by every class, no class evidence), first frame.</summary>
    [JsonPropertyName("actorBox")] public required Box ActorBox { get; init; }
    [JsonPropertyName("seed")] public required int Seed { get; init; }

    /// <summary>The JSON file's folder (set when loaded; used to find the mask strip).</summary>
    [JsonIgnore] public string Folder { get; init; } = ".";

    static readonly JsonSerializerOptions Json = JsonDefaults.CamelCase;

    public static ClipAnnotation Load(string jsonPath)
    {
        if (!File.Exists(jsonPath)) throw new FileNotFoundException($"{jsonPath}: no such annotation file.", jsonPath);
        try
        {
            var a = JsonSerializer.Deserialize<ClipAnnotation>(File.ReadAllText(jsonPath), Json)
                    ?? throw new InvalidDataException($"{jsonPath}: empty annotation.");
            if (a.Relevant.Length != a.Frames || a.EvidenceBoxes.Length != a.Frames)
                throw new InvalidDataException(
                    $"{jsonPath}: 'relevant' and 'evidenceBoxes' must have one entry per frame ({a.Frames}).");
            return a with { Folder = Path.GetDirectoryName(Path.GetFullPath(jsonPath))! };
        }
        catch (JsonException e) { throw new InvalidDataException(
            $"{jsonPath}: not a valid clip annotation ({e.Message}).", e); }
    }

    /// <summary>The annotation beside a video: <c>clip.avi</c> -> <c>clip.json</c>.</summary>
    public static ClipAnnotation ForVideo(string videoPath) => Load(Path.ChangeExtension(videoPath, ".json"));

    public static bool ExistsFor(string videoPath) => File.Exists(Path.ChangeExtension(videoPath, ".json"));

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    /// <summary>Relevance of the sampled frames, in clip order.</summary>
    public bool[] RelevanceAt(IReadOnlyList<int> frameIndices) =>
        frameIndices.Select(i => Relevant[Check(i)]).ToArray();

    /// <summary>Evidence masks of the sampled frames at the video's size: <c>[T,H,W]</c> float32, 1 inside
    /// evidence.</summary>
    public Tensor MasksAt(IReadOnlyList<int> frameIndices) => LoadMasks(frameIndices, null);

    /// <summary>Evidence masks aligned with a sampled clip (same frames, same resize, crop and flip):
    /// <c>[T,h,w]</c>.</summary>
    public Tensor MasksFor(Clip clip) => LoadMasks(clip.FrameIndices, clip.Geometry);

    Tensor LoadMasks(IReadOnlyList<int> frameIndices, FrameGeometry? geometry)
    {
        var path = Path.Combine(Folder, Masks);
        using var strip = Cv2.ImRead(path, ImreadModes.Grayscale);
        if (strip.Empty()) throw new InvalidDataException($"{path}: mask strip missing or not a readable PNG.");
        if (strip.Width != Width * Frames || strip.Height != Height)
            throw new InvalidDataException(
                $"{path}: mask strip is {strip.Width}x{strip.Height}, expected {Width * Frames}x{Height} ({Frames} " +
                $"frames of {Width}x{Height}).");
        int h = geometry?.Crop.Height ?? Height, w = geometry?.Crop.Width ?? Width;
        var data = new float[frameIndices.Count * h * w];
        var bytes = new byte[h * w];
        for (int k = 0; k < frameIndices.Count; k++)
        {
            int i = Check(frameIndices[k]);
            using var frame = new Mat(strip, new Rect(i * Width, 0, Width, Height)).Clone();
            using var mapped = geometry is null ? frame.Clone() : geometry.Apply(frame, InterpolationFlags.Nearest);
            System.Runtime.InteropServices.Marshal.Copy(mapped.Data, bytes, 0, bytes.Length);
            for (int p = 0; p < bytes.Length; p++) data[k * h * w + p] = bytes[p] >= 128 ? 1f : 0f;
        }
        return tensor(data, [frameIndices.Count, h, w]);                                  // [T,H,W]
    }

    int Check(int frame) => frame >= 0 && frame < Frames ? frame
        : throw new ArgumentOutOfRangeException(nameof(frame),
            $"frame {frame} is outside the clip's {Frames} frames ({Video}).");
}
