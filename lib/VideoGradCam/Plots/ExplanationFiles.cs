using System.Text.Json;
using VideoGradCam.Runtime;

namespace VideoGradCam.Plots;

/// <summary>
/// Writes the files of explained clips from plain arrays (no tensor, so a writer thread may run it while the next
/// batch is explained): <c>NAME.mp4</c>, <c>NAME.html</c>, <c>NAME.png</c> as chosen, then <c>NAME.json</c> last.
/// Each file is written to a temp name and renamed, so a clip's JSON existing means every file before it is
/// complete.
/// </summary>
public static class ExplanationFiles
{
    public static void Write(string outDir, string name, ExplanationData data, ExplanationOutputs outputs,
        string? plotlyScript = null, double fps = 8, double alpha = 0.5) =>
        WriteAll([(outDir, name, data)], outputs, plotlyScript, fps, alpha);

    /// <summary>Several clips' files: their MP4s first, from one ffmpeg per clip shape
    /// (<see cref="CamVideoWriter.WriteMp4s"/>), then each clip's page, thumbnail and JSON.</summary>
    public static void WriteAll(IReadOnlyList<(string OutDir, string Name, ExplanationData Data)> clips,
        ExplanationOutputs outputs, string? plotlyScript = null, double fps = 8, double alpha = 0.5)
    {
        if (outputs == ExplanationOutputs.None || clips.Count == 0) return;
        bool video = outputs.HasFlag(ExplanationOutputs.Mp4);
        var overlays = outputs == ExplanationOutputs.Json ? null : clips.Select(c => c.Data.Overlays(alpha)).ToList();
        if (video)
            foreach (var shape in Enumerable.Range(0, clips.Count).GroupBy(i => (clips[i].Data.T, clips[i].Data.H,
                         clips[i].Data.W)))
                CamVideoWriter.WriteMp4s(shape.Select(i => (Path.Combine(clips[i].OutDir, clips[i].Name + ".mp4"),
                    overlays![i])).ToList(), shape.Key.T, shape.Key.H, shape.Key.W, fps);
        for (int i = 0; i < clips.Count; i++)
        {
            var (outDir, name, data) = clips[i];
            if (outputs.HasFlag(ExplanationOutputs.Html))
            {
                var figure = CamPlots.FigureJson(data.Maps, data.T, data.H, data.W, data.Importance, data.Title,
                    data.GradientImportance, data.Attention);
                var strip = CamPlots.StripHtml(overlays![i], data.T, data.H, data.W, data.Title, data.Importance,
                    data.SourceFrames);
                if (!video)
                    strip = "<p>No video was written for this clip (explain --outputs without mp4).</p>" + strip;
                CamPlots.WritePage(Path.Combine(outDir, name + ".html"), data.Title, figure, strip,
                    video ? name + ".mp4" : null, plotlyScript);
            }
            if (outputs.HasFlag(ExplanationOutputs.Png))
            {
                // A thumbnail for index pages: the frame where the map holds most of its energy.
                var png = CamOverlay.EncodePng(overlays![i], data.TopFrame * data.H * data.W * 3, data.H, data.W);
                AtomicFile.WriteAllBytes(Path.Combine(outDir, name + ".png"), png);
            }
            if (outputs.HasFlag(ExplanationOutputs.Json))
                AtomicFile.WriteAllText(Path.Combine(outDir, name + ".json"),
                    JsonSerializer.Serialize(Record(data), JsonDefaults.Indented));
        }
    }

    /// <summary>The JSON record: title, per-frame importance, gradient-norm importance, attention, source frames,
    /// colormap, outputs, then the caller's fields.</summary>
    static Dictionary<string, object?> Record(ExplanationData data)
    {
        var json = new Dictionary<string, object?>
        {
            ["title"] = data.Title,
            ["frame_importance"] = data.Importance,
            ["gradient_importance"] = data.GradientImportance,
            ["attention"] = data.Attention,
            ["source_frames"] = data.SourceFrames,
            ["colormap"] = Colormap.Name,
            ["outputs"] = data.Outputs,
        };
        foreach (var (key, value) in data.Record ?? new Dictionary<string, object?>()) json[key] = value;
        return json;
    }
}
