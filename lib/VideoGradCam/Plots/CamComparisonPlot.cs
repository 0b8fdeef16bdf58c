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
    const int LabelWidth = 150;

    /// <param name="rows">label and overlays [T,H,W,3] (RGB bytes, e.g. <c>ClipExplanation.Overlays()</c>); all rows the same T,H,W.</param>
    public static GenericChart Strips(IReadOnlyList<(string Label, Tensor Overlays)> rows, IReadOnlyList<int> sourceFrames, string title, int pixelsPerFrame = 72)
    {
        if (rows.Count == 0) throw new ArgumentException("No rows to show.");
        int t = (int)rows[0].Overlays.shape[0];
        using var canvas = new Mat(rows.Count * (pixelsPerFrame + 4) + 18, LabelWidth + t * (pixelsPerFrame + 2), MatType.CV_8UC3, Scalar.All(255));
        for (int k = 0; k < t; k++)
            Cv2.PutText(canvas, $"f{sourceFrames[k]}", new Point(LabelWidth + k * (pixelsPerFrame + 2) + 2, 13), HersheyFonts.HersheySimplex, 0.4, Scalar.All(60));
        for (int r = 0; r < rows.Count; r++)
        {
            var (label, overlays) = rows[r];
            if (overlays.shape[0] != t) throw new ArgumentException($"Row '{label}' has {overlays.shape[0]} frames, the first row {t}.");
            int y = 18 + r * (pixelsPerFrame + 4);
            PutLabel(canvas, label, y + pixelsPerFrame / 2);
            for (int k = 0; k < t; k++)
            {
                using var bgr = CamOverlay.ToBgrMat(overlays[k]);
                using var scaled = bgr.Resize(new Size(pixelsPerFrame, pixelsPerFrame), 0, 0, InterpolationFlags.Nearest);
                scaled.CopyTo(canvas[new Rect(LabelWidth + k * (pixelsPerFrame + 2), y, pixelsPerFrame, pixelsPerFrame)]);
            }
        }
        var png = Convert.ToBase64String(canvas.ImEncode(".png"));
        var image = Chart.Image<string>(Source: "data:image/png;base64," + png, Name: "overlays");
        image = Plotly.NET.Chart.withXAxis(FrameStripPlot.HiddenAxis(), null).Invoke(image);
        image = Plotly.NET.Chart.withYAxis(FrameStripPlot.HiddenAxis(), null).Invoke(image);
        image = Plotly.NET.Chart.withSize((double)Math.Max(500, canvas.Width + 60), (double)(canvas.Height + 110)).Invoke(image);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(image);
    }

    /// <summary>Per-frame importance (or attention) curves, with the ground-truth relevant frames shaded.</summary>
    public static GenericChart Curves(IReadOnlyList<(string Label, double[] Values)> curves, bool[]? relevant, string title, string yTitle = "share of the clip's map energy")
    {
        var frames = Enumerable.Range(0, curves[0].Values.Length).ToArray();
        var traces = new List<GenericChart>();
        if (relevant is not null)
        {
            double top = curves.Max(c => c.Values.DefaultIfEmpty(0).Max());
            var shade = Chart.Column<double, int, string>(values: relevant.Select(r => r ? top : 0).ToArray(), Keys: frames, Name: "relevant frames (ground truth)",
                MarkerColor: Color.fromString("rgba(220,20,60,0.15)"));
            traces.Add(shade);
        }
        traces.AddRange(curves.Select(c => (GenericChart)Chart.Line<int, double, string>(frames, c.Values, Name: c.Label, ShowMarkers: true)));
        var chart = Plotly.NET.Chart.combine(traces);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<int, int, string>(chart, TitleText: "sampled frame");
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: yTitle);
        chart = Plotly.NET.Chart.withSize(900.0, 380.0).Invoke(chart);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
    }

    static void PutLabel(Mat canvas, string label, int yCentre)
    {
        var lines = label.Split('\n');
        for (int i = 0; i < lines.Length; i++)
            Cv2.PutText(canvas, lines[i], new Point(4, yCentre - 6 * (lines.Length - 1) + 13 * i), HersheyFonts.HersheySimplex, 0.4, Scalar.All(20));
    }
}

/// <summary>One metric for every model and CAM method: grouped bars (x: method and weighting, one colour per model).</summary>
/// <summary>A metric of every CAM method, one bar series per model: plain numbers in, a chart out.</summary>
public static class CamMetricPlot
{
    /// <param name="series">per model (the series name), the value of each method (the bar's key).</param>
    /// <param name="reference">a chance or baseline level drawn as a line across the bars.</param>
    public static GenericChart Bars(IReadOnlyList<(string Name, IReadOnlyList<(string Key, double Value)> Bars)> series, string metric, double? reference = null)
    {
        var traces = series.Select(s => (GenericChart)Chart.Column<double, string, string>(
            values: s.Bars.Select(b => b.Value).ToArray(), Keys: s.Bars.Select(b => b.Key).ToArray(), Name: s.Name)).ToList();
        if (reference is { } r && series.Count > 0)
        {
            var keys = series[0].Bars.Select(b => b.Key).ToArray();
            traces.Add(Chart.Line<string, double, string>(keys, keys.Select(_ => r).ToArray(), Name: "chance / baseline"));
        }
        var chart = Plotly.NET.Chart.combine(traces);
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: metric);
        chart = Plotly.NET.Chart.withSize(900.0, 420.0).Invoke(chart);
        return Plotly.NET.Chart.withTitle(metric, null).Invoke(chart);
    }
}
