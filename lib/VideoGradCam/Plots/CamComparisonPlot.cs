using OpenCvSharp;
using Plotly.NET;
using static TorchSharp.torch;
using Chart = Plotly.NET.CSharp.Chart;
using Size = OpenCvSharp.Size;

namespace VideoGradCam.Plots;

/// <summary>
/// Several explanations of the same clip side by side (one row per model, target or weighting: overlays with the jet
/// colormap, high = warm), and their per-frame importance curves over the ground-truth relevant frames.
/// </summary>
public static class CamComparisonPlot
{
    /// <summary>The smallest width a frame tile is shown at, in CSS pixels (clips are upsampled for display).</summary>
    public const int MinTilePixels = 160;

    /// <summary>The width a single frame (an image) is shown at: one tile has the room of a whole strip.</summary>
    public const int SingleFramePixels = 360;

    /// <summary>The widest a strip figure is drawn, in CSS pixels: a notebook column, so no frame is cut off.</summary>
    public const int MaxWidth = 960;

    const int Gap = 6, LabelWidth = 140, ColourBarWidth = 130, HeaderHeight = 34;

    /// <param name="rows">label (lines split by '\n') and overlays [T,H,W,3] (RGB bytes, e.g.
    /// <c>ClipExplanation.Overlays()</c>); all rows the same T,H,W.</param>
    /// <param name="sourceFrames">the video frame each sampled frame came from (column headers).</param>
    /// <param name="title">should name the true class and the explained class.</param>
    /// <param name="tilePixels">the width each frame is shown at (at least <see cref="MinTilePixels"/>).</param>
    /// <returns>One image of the tiles with the labels as text in the page (annotations) and a colour bar of the map's
    /// 0..1 scale.</returns>
    public static GenericChart Strips(IReadOnlyList<(string Label, Tensor Overlays)> rows,
        IReadOnlyList<int> sourceFrames, string title, int tilePixels = MinTilePixels)
    {
        if (rows.Count == 0) throw new ArgumentException("No rows to show.");
        int t = (int)rows[0].Overlays.shape[0], h = (int)rows[0].Overlays.shape[1], w = (int)rows[0].Overlays.shape[2];
        if (sourceFrames.Count != t) throw new ArgumentException(
            $"{sourceFrames.Count} source frame indices for {t} frames.");
        int tileW = Math.Max(t == 1 ? SingleFramePixels : MinTilePixels, tilePixels);
        int tileH = (int)Math.Round(tileW * (double)h / w);
        // As many frames side by side as fit in MaxWidth: longer clips continue in further blocks of the same rows.
        int fit = Math.Max(1, (MaxWidth - LabelWidth - ColourBarWidth + Gap) / (tileW + Gap));
        int perLine = Math.Min(t, fit), blocks = (t + perLine - 1) / perLine;
        int blockHeight = HeaderHeight + rows.Count * tileH + (rows.Count - 1) * Gap;
        int width = perLine * tileW + (perLine - 1) * Gap, height = blocks * blockHeight - HeaderHeight;
        double X(int k) => (k % perLine) * (tileW + Gap);
        double Y(int k, int r) => (k / perLine) * blockHeight + r * (tileH + Gap);
        using var canvas = new Mat(height, width, MatType.CV_8UC3, Scalar.All(255));
        for (int r = 0; r < rows.Count; r++)
        {
            var (label, overlays) = rows[r];
            if (!overlays.shape.SequenceEqual(rows[0].Overlays.shape))
                throw new ArgumentException(
                    $"Row '{label}' is [{string.Join(",", overlays.shape)}], the first row " +
                    $"[{string.Join(",", rows[0].Overlays.shape)}].");
            for (int k = 0; k < t; k++)
            {
                using var bgr = CamOverlay.ToBgrMat(overlays[k]);
                using var scaled = bgr.Resize(new Size(tileW, tileH), 0, 0, InterpolationFlags.Linear);
                scaled.CopyTo(canvas[new Rect((int)X(k), (int)Y(k, r), tileW, tileH)]);
            }
        }
        var png = Convert.ToBase64String(canvas.ImEncode(".png"));
        var image = Chart.Image<string>(Source: "data:image/png;base64," + png, Name: "overlays");
        // Repeated source indices (a clip shorter than the model's frame count) are said in the header.
        var annotations = new List<Plotly.NET.LayoutObjects.Annotation>();
        for (int k = 0; k < t; k++)
            annotations.Add(Text(X(k) + tileW / 2.0, Y(k, 0) - 6,
                $"<b>frame {sourceFrames[k]}</b>{(RepeatsPrevious(sourceFrames, k) ? " (repeated)" : "")}", "center",
                "bottom"));
        for (int b = 0; b < blocks; b++)
            for (int r = 0; r < rows.Count; r++)
                annotations.Add(Text(-12, Y(b * perLine, r) + tileH / 2.0,
                    string.Join("<br>", rows[r].Label.Split('\n')), "right", "middle"));
        var xAxis = FrameStripPlot.HiddenAxis();
        xAxis.SetProperty("range", new[] { -LabelWidth, width + 0.0 });
        var yAxis = FrameStripPlot.HiddenAxis();
        yAxis.SetProperty("range", new[] { height + 0.0, -HeaderHeight });
        GenericChart chart =
            Plotly.NET.Chart.combine(new[] { image, ColourBar("Grad-CAM<br>(0 low, 1 high,<br>per clip)") });
        chart = Plotly.NET.Chart.withXAxis(xAxis, null).Invoke(chart);
        chart = Plotly.NET.Chart.withYAxis(yAxis, null).Invoke(chart);
        chart = Plotly.NET.Chart.withAnnotations(annotations, null).Invoke(chart);
        var background = new Layout();
        background.SetProperty("plot_bgcolor", "white");
        chart = Plotly.NET.Chart.withLayout(background).Invoke(chart);
        chart = Plotly.NET.Chart.withMargin(Plotly.NET.LayoutObjects.Margin.init<int, int, int, int, int, bool>(10,
            ColourBarWidth - 20, 70, 10, 0, true)).Invoke(chart);
        chart = Plotly.NET.Chart.withSize((double)(LabelWidth + width + ColourBarWidth),
            (double)(height + HeaderHeight + 90))
            .Invoke(chart);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
    }

    /// <summary>True when sampled frame <paramref name="k"/> comes from the same video frame as the one before it: the
    /// video was shorter than the clip and its last frame is repeated.</summary>
    internal static bool RepeatsPrevious(IReadOnlyList<int> sourceFrames, int k) => k > 0
        && sourceFrames[k] == sourceFrames[k - 1];

    /// <summary>A trace that draws nothing but the jet colour bar of a 0..1 map (the overlays' scale).</summary>
    internal static GenericChart ColourBar(string title)
    {
        var bar = new Trace2D("heatmap");
        bar.SetProperty("z", new[] { new[] { 0.0, 1.0 } });
        bar.SetProperty("zmin", 0.0);
        bar.SetProperty("zmax", 1.0);
        bar.SetProperty("colorscale", Colormap.PlotlyName);
        bar.SetProperty("opacity", 0.0);
        bar.SetProperty("hoverinfo", "skip");
        bar.SetProperty("showscale", true);
        bar.SetProperty("colorbar", new Dictionary<string, object> { ["title"] =
            new Dictionary<string, object> { ["text"] = title }, ["len"] = 0.9, ["thickness"] = 14 });
        return GenericChart.ofTraceObject(true, bar);
    }

    static Plotly.NET.LayoutObjects.Annotation Text(double x, double y, string text, string xAnchor, string yAnchor)
    {
        var a = new Plotly.NET.LayoutObjects.Annotation();
        a.SetProperty("x", x);
        a.SetProperty("y", y);
        a.SetProperty("text", text);
        a.SetProperty("showarrow", false);
        a.SetProperty("xanchor", xAnchor);
        a.SetProperty("yanchor", yAnchor);
        a.SetProperty("font", new Dictionary<string, object> { ["size"] = 13 });
        return a;
    }

    /// <summary>Per-frame importance (or attention) curves, with the ground-truth relevant frames shaded.</summary>
    /// <param name="frames">the x value of each point (default 0, 1, 2...: the clip's sampled frames).</param>
    public static GenericChart Curves(IReadOnlyList<(string Label, double[] Values)> curves, bool[]? relevant,
        string title, string yTitle = "share of the clip's map energy",
        int[]? frames = null, string xTitle = "sampled frame")
    {
        frames ??= Enumerable.Range(0, curves[0].Values.Length).ToArray();
        var traces = new List<GenericChart>();
        if (relevant is not null)
        {
            double top = curves.Max(c => c.Values.DefaultIfEmpty(0).Max());
            var shade = Chart.Column<double, int, string>(values: relevant.Select(r => r ? top : 0).ToArray(),
                Keys: frames, Name: "relevant frames (ground truth)",
                MarkerColor: Color.fromString("rgba(220,20,60,0.15)"));
            traces.Add(shade);
        }
        traces.AddRange(curves.Select(
            c => (GenericChart)Chart.Line<int, double, string>(frames, c.Values, Name: c.Label, ShowMarkers: true)));
        var chart = Plotly.NET.Chart.combine(traces);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<int, int, string>(chart, TitleText: xTitle);
        chart =
            Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: yTitle);
        chart = Plotly.NET.Chart.withSize(900.0, 380.0).Invoke(chart);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
    }

}

/// <summary>A metric of every CAM method, one bar series per model: plain numbers in, a chart out.</summary>
public static class CamMetricPlot
{
    /// <param name="series">per model (the series name), the value of each method (the bar's key).</param>
    /// <param name="reference">a chance or baseline level drawn as a line across the bars.</param>
    public static GenericChart Bars(IReadOnlyList<(string Name, IReadOnlyList<(string Key, double Value)> Bars)> series,
        string metric, double? reference = null)
    {
        var traces = series.Select(s => (GenericChart)Chart.Column<double, string, string>(
            values: s.Bars.Select(b => b.Value).ToArray(), Keys: s.Bars.Select(b => b.Key).ToArray(), Name: s.Name))
                .ToList();
        if (reference is { } r && series.Count > 0)
        {
            var keys = series[0].Bars.Select(b => b.Key).ToArray();
            traces.Add(
                Chart.Line<string, double, string>(keys, keys.Select(_ => r).ToArray(), Name: "chance / baseline"));
        }
        var chart = Plotly.NET.Chart.combine(traces);
        chart =
            Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: metric);
        chart = Plotly.NET.Chart.withSize(900.0, 420.0).Invoke(chart);
        return Plotly.NET.Chart.withTitle(metric, null).Invoke(chart);
    }
}
