using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Plots;

/// <summary>
/// Frame strips and figures for one explained clip: an HTML strip of overlay images, and a Plotly figure with a strip
/// of heatmaps under a frame slider beside the temporal importance curve (and the attention weights when the model has
/// them). Figures are plotly.js JSON specs, so they render the same in a page, a notebook (as HTML) or any Plotly
/// client.
/// </summary>
public static class CamPlots
{
    /// <summary>An HTML strip of overlay frames [T,H,W,3] (RGB bytes), each captioned with its frame index and
    /// importance.</summary>
    public static string StripHtml(Tensor overlays, string title, Tensor? importance = null,
        IReadOnlyList<int>? sourceFrames = null, int displayWidth = 160) =>
        StripHtml(overlays.contiguous().cpu().data<byte>().ToArray(), (int)overlays.shape[0], (int)overlays.shape[1],
            (int)overlays.shape[2], title, importance is null ? null : Floats(importance), sourceFrames, displayWidth);

    /// <summary>The same from plain RGB bytes <c>[T,H,W,3]</c> and importance <c>[T]</c> (no tensor).</summary>
    public static string StripHtml(byte[] overlays, int frameCount, int h, int w, string title, float[]? importance,
        IReadOnlyList<int>? sourceFrames = null, int displayWidth = 160)
    {
        var html = new StringBuilder();
        html.Append(
            $"<div style=\"font-family:sans-serif\"><h3>{WebUtility.HtmlEncode(title)}</h3><div " +
            "style=\"display:flex;flex-wrap:wrap;gap:6px\">");
        for (int t = 0; t < frameCount; t++)
        {
            var jpeg = Convert.ToBase64String(CamOverlay.EncodeJpeg(overlays, t * h * w * 3, h, w));
            var label = sourceFrames is null ? $"frame {t}"
                : $"frame {t} (source {sourceFrames[t]}" +
                  $"{(CamComparisonPlot.RepeatsPrevious(sourceFrames, t)
                      ? ", repeated: the video is shorter than the clip" : "")})";
            if (importance is not null)
                label += $"<br/>importance {importance[t].ToString("0.000", CultureInfo.InvariantCulture)}";
            html.Append(
                $"<figure style=\"margin:0;text-align:center\"><img width=\"{displayWidth}\" " +
                "style=\"image-rendering:pixelated\" " +
                $"src=\"data:image/jpeg;base64,{jpeg}\"/><figcaption " +
                $"style=\"font-size:11px\">{label}</figcaption></figure>");
        }
        html.Append("</div></div>");
        return html.ToString();
    }

    /// <summary>A plotly.js figure (JSON): the maps [T,H,W] as one heatmap per frame (jet, 0..1) with a frame slider on
    /// the left, and on the right the per-frame importance curve, the gradient-norm curve and the attention weights
    /// when given.</summary>
    public static string FigureJson(Tensor maps, Tensor importance, string title, Tensor? gradientImportance = null,
        Tensor? attention = null) =>
        FigureJson(Floats(maps), (int)maps.shape[0], (int)maps.shape[1], (int)maps.shape[2], Floats(importance), title,
            gradientImportance is null ? null : Floats(gradientImportance),
            attention is null ? null : Floats(attention));

    /// <summary>The same from plain arrays: maps <c>[T,H,W]</c>, curves <c>[T]</c> (no tensor).</summary>
    public static string FigureJson(float[] maps, int T, int h, int w, float[] importance, string title,
        float[]? gradientImportance = null, float[]? attention = null)
    {
        var traces = new List<object>();
        // The interactive heatmaps need no more than 32 cells a side (the strip below shows full resolution): keeps
        // pages small.
        int sh = Math.Min(HeatmapCells, h), sw = Math.Min(HeatmapCells, w);
        var shown = sh == h && sw == w ? maps : AdaptiveAveragePool(maps, T, h, w, sh, sw);
        for (int t = 0; t < T; t++)
        {
            traces.Add(new Dictionary<string, object>
            {
                ["type"] = "heatmap", ["z"] = Rows(shown, t, sh, sw), ["zmin"] = 0, ["zmax"] = 1,
                    ["colorscale"] = Colormap.PlotlyName,
                ["visible"] = t == 0, ["name"] = $"frame {t}", ["xaxis"] = "x", ["yaxis"] = "y", ["showscale"] = t == 0,
                ["colorbar"] = new { x = 0.45, len = 0.8 },
            });
        }
        var frames = Enumerable.Range(0, T).ToArray();
        void Curve(float[]? values, string name, string dash)
        {
            if (values is null) return;
            traces.Add(new Dictionary<string, object>
            {
                ["type"] = "scatter", ["mode"] = "lines+markers", ["x"] = frames, ["y"] = values,
                    ["name"] = name,
                ["xaxis"] = "x2", ["yaxis"] = "y2", ["line"] = new { dash }, ["visible"] = true,
            });
        }
        Curve(importance, "map energy share", "solid");
        Curve(gradientImportance, "gradient norm share", "dot");
        Curve(attention, "attention", "dash");
        int curves = traces.Count - T;
        var steps = Enumerable.Range(0, T).Select(t => new
        {
            method = "restyle",
            label = t.ToString(CultureInfo.InvariantCulture),
            args = new object[] { "visible",
                Enumerable.Range(0, T).Select(i => i == t).Concat(Enumerable.Repeat(true, curves)).ToArray() },
        }).ToArray();
        var layout = new Dictionary<string, object>
        {
            ["title"] = new { text = title },
            ["xaxis"] = new { domain = new[] { 0.0, 0.42 }, showticklabels = false },
            ["yaxis"] = new { autorange = "reversed", scaleanchor = "x", showticklabels = false },
            ["xaxis2"] = new { domain = new[] { 0.55, 1.0 }, title = new { text = "frame" }, anchor = "y2" },
            ["yaxis2"] = new { title = new { text = "share" }, anchor = "x2", rangemode = "tozero" },
            ["sliders"] =
                new[] { new { active = 0, currentvalue = new { prefix = "frame " }, steps, len = 0.42, x = 0.0 } },
            ["legend"] = new { x = 0.55, y = 1.15, orientation = "h" },
            ["width"] = 980, ["height"] = 480,
        };
        return JsonSerializer.Serialize(new { data = traces, layout }, Runtime.JsonDefaults.Compact);
    }

    /// <summary>A self-contained page: the figure (plotly.js inlined from Plotly.NET), the explained video when given
    /// (a file beside the page), and the strip.</summary>
    /// <param name="plotlyScript">a relative URL of plotly.js shared by many pages (dataset-scale output), or null to
    /// inline it.</param>
    public static string PageHtml(string title, string figureJson, string stripHtml, string? video = null,
        string? plotlyScript = null)
    {
        var id = "cam" + Guid.NewGuid().ToString("N")[..8];
        var player = video is null ? "" :
            $"<h3>The clip with its map</h3><video src=\"{WebUtility.HtmlEncode(video)}\" controls loop muted " +
            "playsinline width=\"480\" style=\"image-rendering:pixelated\"></video>";
        return $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{WebUtility.HtmlEncode(title)}</title>" +
               $"{(plotlyScript is null ? "<script>" + FigurePage.PlotlyJavaScript + "</script>"
                   : $"<script src=\"{WebUtility.HtmlEncode(plotlyScript)}\"></script>")}</head><body>" +
               $"<div id=\"{id}\" class=\"wsplot\"></div><script>var " +
               $"f={figureJson};Plotly.newPlot('{id}',f.data,f.layout);</script>{player}{stripHtml}</body></html>";
    }

    public static void WritePage(string path, string title, string figureJson, string stripHtml, string? video = null,
        string? plotlyScript = null) =>
        AtomicFile.WriteAllText(path, PageHtml(title, figureJson, stripHtml, video, plotlyScript));

    /// <summary>
    /// Everything <c>explain</c> writes for one clip of a batch: <c>NAME.html</c> (figure, video player, overlay
    /// strip), <c>NAME.mp4</c> (overlaid clip, H.264 when ffmpeg is installed) and <c>NAME.json</c> (per-frame
    /// importance, gradient-norm importance, attention, outputs).
    /// </summary>
    /// <param name="frames">the clip's frames [T,H,W,3] in [0,1] (see <see cref="CamOverlay.Denormalise"/>).</param>
    /// <param name="result">the engine's result; <paramref name="sample"/> picks the clip.</param>
    public static void WriteExplanation(string outDir, string name, Tensor frames, Cam.CamResult result, int sample,
        string title, IReadOnlyList<int>? sourceFrames = null, double fps = 8, double alpha = 0.5,
            string? plotlyScript = null)
    {
        using var scope = NewDisposeScope();                                         // the indexed views below
        var attention = result.Outputs.TryGetValue("attention", out var att) ? Floats(att[sample]) : null;
        var maps = result.Maps[sample];                                              // [T,H,W]
        var data = new ExplanationData(title, (int)maps.shape[0], (int)maps.shape[1], (int)maps.shape[2],
            Floats(frames), Floats(maps), Floats(result.FrameImportance[sample]),
            Floats(result.GradientImportance[sample]), attention,
            result.Outputs.ToDictionary(kv => kv.Key, kv => Floats(kv.Value[sample])), sourceFrames);
        ExplanationFiles.Write(outDir, name, data, ExplanationOutputs.All, plotlyScript, fps, alpha);
    }

    static float[] Floats(Tensor t)
    {
        using var c = t.detach().cpu().to(ScalarType.Float32).flatten();
        return c.data<float>().ToArray();
    }

    const int HeatmapCells = 32;

    /// <summary>Frame t of maps <c>[T,H,W]</c> in [0,1] -> its rows as a JSON array of arrays, each value rounded to
    /// two decimals. InvalidDataException when a value is not finite.</summary>
    static RawJson Rows(float[] maps, int t, int h, int w)
    {
        var json = new StringBuilder(h * w * 5 + 2 * h + 2);
        json.Append('[');
        for (int y = 0; y < h; y++)
        {
            json.Append(y == 0 ? "[" : ",[");
            for (int x = 0; x < w; x++)
            {
                float v = maps[(t * h + y) * w + x];
                if (!float.IsFinite(v)) throw new InvalidDataException(
                    $"The map of frame {t} holds {v} at ({y}, {x}): a map must be finite.");
                if (x > 0) json.Append(',');
                json.Append(Hundredths[Math.Clamp((int)MathF.Round(v * 100), 0, 100)]);
            }
            json.Append(']');
        }
        return new RawJson(json.Append(']').ToString());
    }

    /// <summary>"0", "0.01", ..., "1": a map value in [0,1] rounded to two decimals, as JSON writes it.</summary>
    static readonly string[] Hundredths =
        Enumerable.Range(0, 101).Select(i => (i / 100.0).ToString(CultureInfo.InvariantCulture)).ToArray();

    /// <summary>[T,H,W] -> [T,oh,ow]: each output cell the mean of its input window, windows as
    /// <c>adaptive_avg_pool2d</c> places them (start = floor(i·H/oh), end = ceil((i+1)·H/oh)).</summary>
    static float[] AdaptiveAveragePool(float[] maps, int T, int h, int w, int oh, int ow)
    {
        var pooled = new float[T * oh * ow];
        for (int t = 0; t < T; t++)
        for (int i = 0; i < oh; i++)
        for (int j = 0; j < ow; j++)
        {
            int y0 = i * h / oh, y1 = ((i + 1) * h + oh - 1) / oh, x0 = j * w / ow, x1 = ((j + 1) * w + ow - 1) / ow;
            float sum = 0;
            for (int y = y0; y < y1; y++) for (int x = x0; x < x1; x++) sum += maps[(t * h + y) * w + x];
            pooled[(t * oh + i) * ow + j] = sum / ((y1 - y0) * (x1 - x0));
        }
        return pooled;
    }
}
