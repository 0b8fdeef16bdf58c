using Plotly.NET;
using VideoGradCam.Odometry;
using CChart = Plotly.NET.CSharp.Chart;

namespace VideoGradCam.Plots;

/// <summary>Plotly figures for the odometry notebooks (06 train, 07 saliency). Each returns one GenericChart.</summary>
public static class OdometryPlots
{
    /// <summary>Total, photometric and smoothness loss per step, with the epoch means.</summary>
    public static GenericChart LossCurves(SfmTrainingHistory history)
    {
        var steps = history.Steps.Select(s => s.Step).ToArray();
        var epochEnds = history.Steps.GroupBy(s => s.Epoch).Select(g => g.Max(s => s.Step)).ToArray();
        var chart = CChart.Combine(
        [
            CChart.Line<int, double, string>(steps, history.Steps.Select(s => s.Total), Name: "total"),
            CChart.Line<int, double, string>(steps, history.Steps.Select(s => s.Photometric), Name: "photometric"),
            CChart.Line<int, double, string>(steps, history.Steps.Select(s => s.Smoothness), Name: "smoothness"),
            CChart.Line<int, double, string>(epochEnds, history.EpochMeans(), Name: "epoch mean (total)", ShowMarkers: true),
        ]);
        return Titled(chart, "SfMLearner training loss", "step", "loss");
    }

    /// <summary>Target frame, predicted depth (median-scaled to the ground truth when given) and ground-truth depth.</summary>
    public static GenericChart DepthComparison(float[,,] frame, float[,] predictedDepth, float[,]? groundTruth = null, double maxDepth = 40)
    {
        var pred = groundTruth is null ? predictedDepth : MedianScaled(predictedDepth, groundTruth);
        var panels = new List<GenericChart> { Frame(frame), Map(pred, "Viridis", 0, maxDepth, "depth (m)") };
        var titles = new List<string> { "frame", groundTruth is null ? "predicted depth" : "predicted depth (median scaled)" };
        if (groundTruth is not null) { panels.Add(Map(groundTruth, "Viridis", 0, maxDepth, "depth (m)")); titles.Add("ground truth (0 = sky)"); }
        return Stack(panels, titles, "Depth: prediction vs ground truth");
    }

    /// <summary>Top view (x right, z forward) of ground-truth and predicted trajectories (the prediction aligned by one scale).</summary>
    public static GenericChart Trajectory(TopViewTrajectory t)
    {
        var chart = CChart.Combine(
        [
            CChart.Line<double, double, string>(t.GtX, t.GtZ, Name: "ground truth"),
            CChart.Line<double, double, string>(t.PredX, t.PredZ, Name: "SfMLearner (scaled)"),
        ]);
        return Titled(chart, $"Trajectory, sequence {t.Sequence} (top view)", "x (m)", "z (m)");
    }

    /// <summary>The saliency panel of one snippet: frame, depth, negative-loss maps, per-DoF maps, photometric error map.</summary>
    public static GenericChart SaliencyPanel(OdometryExplanation e)
    {
        var panels = new List<GenericChart> { Frame(e.Frame), Map(e.Depth, "Viridis", null, null, "depth") };
        var titles = new List<string> { "target frame", "predicted depth" };
        foreach (var (layer, map) in e.NegativeLossMaps) { panels.Add(Map(map, "Jet", 0, 1, null)); titles.Add($"−loss Grad-CAM @ {layer}"); }
        foreach (var (name, map) in e.DofMaps) { panels.Add(Map(map, "Jet", 0, 1, null)); titles.Add($"pose {name}"); }
        panels.Add(Map(e.ErrorMap, "Hot", 0, null, "|error|")); titles.Add("photometric error");
        return Stack(panels, titles, $"Odometry saliency (loss {e.Loss:0.0000})");
    }

    static float[,] MedianScaled(float[,] pred, float[,] gt)
    {
        var g = new List<float>(); var p = new List<float>();
        for (int r = 0; r < gt.GetLength(0); r++) for (int c = 0; c < gt.GetLength(1); c++)
            if (gt[r, c] > 0) { g.Add(gt[r, c]); p.Add(pred[r, c]); }
        if (g.Count == 0) return pred;
        static float Median(List<float> v) { v.Sort(); return v[v.Count / 2]; }
        float s = Median(g) / Median(p);
        var o = (float[,])pred.Clone();
        for (int r = 0; r < o.GetLength(0); r++) for (int c = 0; c < o.GetLength(1); c++) o[r, c] *= s;
        return o;
    }

    static GenericChart Frame(float[,,] rgb)
    {
        int h = rgb.GetLength(0), w = rgb.GetLength(1);
        var z = Enumerable.Range(0, h).Select(r => Enumerable.Range(0, w)
            .Select(c => Enumerable.Range(0, 3).Select(k => (int)Math.Round(Math.Clamp(rgb[r, c, k], 0, 1) * 255)))).ToList();
        return CChart.Image<string>(Z: z);
    }

    static GenericChart Map(float[,] m, string scale, double? zmin, double? zmax, string? bar)
    {
        int h = m.GetLength(0), w = m.GetLength(1);
        var z = Enumerable.Range(0, h).Select(r => Enumerable.Range(0, w).Select(c => (double)m[r, c])).ToList();
        var colors = scale switch
        {
            "Jet" => StyleParam.Colorscale.Jet, "Hot" => StyleParam.Colorscale.Hot, _ => StyleParam.Colorscale.Viridis,
        };
        var chart = CChart.Heatmap<double, int, int, string>(zData: z, ColorScale: colors, ShowScale: bar is not null, ReverseYAxis: true);
        if (zmin is not null || zmax is not null)
            chart = Plotly.NET.GenericChart.mapTrace(FSharpFunc(t =>
            {
                if (zmin is { } lo) t.SetProperty("zmin", lo);
                if (zmax is { } hi) t.SetProperty("zmax", hi);
                return t;
            }), chart);
        return chart;
    }

    static Microsoft.FSharp.Core.FSharpFunc<Trace, Trace> FSharpFunc(Func<Trace, Trace> f) =>
        Microsoft.FSharp.Core.FuncConvert.FromFunc(f);

    static GenericChart Stack(List<GenericChart> panels, List<string> titles, string title)
    {
        var grid = CChart.Grid(panels, panels.Count, 1, SubPlotTitles: titles);
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(WithTitle(grid, title), Width: 700, Height: 170 * panels.Count);
    }

    static GenericChart Titled(GenericChart chart, string title, string x, string y)
    {
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(WithTitle(chart, title), TitleText: x);
        return Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: y);
    }

    static GenericChart WithTitle(GenericChart chart, string title)
    {
        var t = new Title();
        t.SetProperty("text", title);
        return Plotly.NET.Chart.withTitle(t).Invoke(chart);
    }
}
