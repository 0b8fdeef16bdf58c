using System.Text.Json;
using VideoGradCam.Runtime;

namespace VideoGradCam.Plots;

/// <summary>
/// Writes the files of explained clips from plain arrays (no tensor, so a writer thread may run it while the next
/// batch is explained): <c>NAME.html</c>, <c>NAME.png</c>, <c>NAME.mp4</c> as chosen, then <c>NAME.json</c> last.
/// Each file is written to a temp name and renamed, so a clip's JSON existing means every file before it is
/// complete.
/// </summary>
public static class ExplanationFiles
{
    /// <summary>Every chosen file of one clip: MP4 (one ffmpeg), page, thumbnail, then the JSON.</summary>
    public static void Write(string outDir, string name, ExplanationData data, ExplanationOutputs outputs,
        string? plotlyScript = null, double fps = 8, double alpha = 0.5)
    {
        var stem = Path.Combine(outDir, name);
        bool video = outputs.HasFlag(ExplanationOutputs.Mp4);
        var overlays = WritePageAndThumbnail(stem, data, outputs, plotlyScript, alpha);
        if (video) CamVideoWriter.WriteMp4(stem + ".mp4", overlays!, data.T, data.H, data.W, fps);
        if (outputs.HasFlag(ExplanationOutputs.Json)) WriteRecord(stem, data);
    }

    /// <summary><c>STEM.html</c> and <c>STEM.png</c> as chosen (the page links <c>NAME.mp4</c> when MP4s are chosen:
    /// the caller writes it, from the overlays returned).</summary>
    /// <returns>the overlaid frames, RGB bytes <c>[T,H,W,3]</c>, when a page, thumbnail or MP4 is chosen; else
    /// null.</returns>
    public static byte[]? WritePageAndThumbnail(string stem, ExplanationData data, ExplanationOutputs outputs,
        string? plotlyScript = null, double alpha = 0.5)
    {
        if ((outputs & (ExplanationOutputs.Html | ExplanationOutputs.Png | ExplanationOutputs.Mp4)) == 0) return null;
        var overlays = data.Overlays(alpha);
        bool video = outputs.HasFlag(ExplanationOutputs.Mp4);
        if (outputs.HasFlag(ExplanationOutputs.Html))
        {
            var figure = CamPlots.FigureJson(data.Maps, data.T, data.H, data.W, data.Importance, data.Title,
                data.GradientImportance, data.Attention);
            var strip = CamPlots.StripHtml(overlays, data.T, data.H, data.W, data.Title, data.Importance,
                data.SourceFrames);
            if (!video) strip = "<p>No video was written for this clip (explain --outputs without mp4).</p>" + strip;
            CamPlots.WritePage(stem + ".html", data.Title, figure, strip,
                video ? Path.GetFileName(stem) + ".mp4" : null, plotlyScript);
        }
        if (outputs.HasFlag(ExplanationOutputs.Png))
        {
            // A thumbnail for index pages: the frame where the map holds most of its energy.
            var png = CamOverlay.EncodePng(overlays, data.TopFrame * data.H * data.W * 3, data.H, data.W);
            AtomicFile.WriteAllBytes(stem + ".png", png);
        }
        return overlays;
    }

    /// <summary><c>STEM.json</c>: written last, it marks the clip's files complete.</summary>
    public static void WriteRecord(string stem, ExplanationData data) =>
        AtomicFile.WriteAllText(stem + ".json", JsonSerializer.Serialize(Record(data), JsonDefaults.Indented));

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
