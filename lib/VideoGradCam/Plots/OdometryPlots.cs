using Plotly.NET;
using TorchSharp;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Training;
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
            CChart.Line<int, double, string>(epochEnds, history.EpochMeans(), Name: "epoch mean (total)",
                ShowMarkers: true),
        ]);
        return Titled(chart, "SfMLearner training loss", "step", "loss");
    }

    /// <summary>Target frame, predicted depth (median-scaled to the ground truth when given) and ground-truth
    /// depth.</summary>
    public static GenericChart DepthComparison(float[,,] frame, float[,] predictedDepth, float[,]? groundTruth = null,
        double maxDepth = 40)
    {
        var pred = groundTruth is null ? predictedDepth : MedianScaled(predictedDepth, groundTruth);
        int rows = groundTruth is null ? 2 : 3;
        var panels =
            new List<GenericChart> { Frame(frame), Map(pred, "Viridis", 0, maxDepth, "depth (m)", row: 1, rows: rows) };
        var titles =
            new List<string> { "frame", groundTruth is null ? "predicted depth" : "predicted depth (median scaled)" };
        if (groundTruth is not null) { panels.Add(Map(groundTruth, "Viridis", 0, maxDepth, "depth (m)", row: 2,
            rows: rows)); titles.Add("ground truth (0 = sky)"); }
        return Stack(panels, titles, "Depth: prediction vs ground truth");
    }

    /// <summary>Top view (x right, z forward) of ground-truth and predicted trajectories (the prediction aligned by one
    /// scale).</summary>
    public static GenericChart Trajectory(TopViewTrajectory t)
    {
        var chart = CChart.Combine(
        [
            CChart.Line<double, double, string>(t.GtX, t.GtZ, Name: "ground truth"),
            CChart.Line<double, double, string>(t.PredX, t.PredZ, Name: "SfMLearner (scaled)"),
        ]);
        chart = WithTitle(chart, $"Trajectory, sequence {t.Sequence} (top view)");
        // Both curves whole, on one scale (metres the same length on both axes), whatever the prediction's reach.
        var xs = t.GtX.Concat(t.PredX).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        var zs = t.GtZ.Concat(t.PredZ).Where(double.IsFinite).DefaultIfEmpty(0).ToList();
        double span = Math.Max(Math.Max(xs.Max() - xs.Min(), zs.Max() - zs.Min()), 1) * 1.08;
        var layout = new Layout();
        var x = new Plotly.NET.LayoutObjects.LinearAxis();
        x.SetProperty("range", new[] { (xs.Min() + xs.Max() - span) / 2, (xs.Min() + xs.Max() + span) / 2 });
        x.SetProperty("title", new Dictionary<string, object> { ["text"] = "x (m)" });
        var z = new Plotly.NET.LayoutObjects.LinearAxis();
        z.SetProperty("range", new[] { (zs.Min() + zs.Max() - span) / 2, (zs.Min() + zs.Max() + span) / 2 });
        z.SetProperty("title", new Dictionary<string, object> { ["text"] = "z (m)" });
        z.SetProperty("scaleanchor", "x");
        layout.SetProperty("xaxis", x);
        layout.SetProperty("yaxis", z);
        layout.SetProperty("width", 760);
        layout.SetProperty("height", 700);
        return Plotly.NET.Chart.withLayout(layout).Invoke(chart);
    }

    /// <summary>Height of one stacked panel, pixels.</summary>
    const int PanelHeight = 170;

    /// <summary>The saliency panel of one snippet: the frame, the predicted inverse depth (disparity, viridis), every
    /// negative-loss and per-DoF map that shows something (jet, 0..1), the photometric error (hot); each map with its
    /// own colour bar. A constant map is not drawn: one line above the panels says which and why.</summary>
    public static GenericChart SaliencyPanel(OdometryExplanation e)
    {
        var maps = new List<(string Title, float[,] Map, string Scale, double Lo, double Hi, string Bar)>();
        var disparity = Inverse(e.Depth);
        maps.Add(("predicted inverse depth (disparity)", disparity, "Viridis", Percentile(disparity, 0.02),
            Percentile(disparity, 0.98), "1/depth"));
        var notDrawn = new List<string>();
        foreach (var (layer, map) in e.NegativeLossMaps)
            if (OdometryExplanation.IsFlat(map)) notDrawn.Add($"−loss Grad-CAM @ {layer} ({e.WhyFlat(layer)})");
            else maps.Add(($"−loss Grad-CAM @ {layer}", map, "Jet", 0, 1, "Grad-CAM"));
        var flatDofs = e.PerDof.Maps.Where(d => OdometryExplanation.IsFlat(d.Value)).Select(d => d.Key).ToList();
        foreach (var (name, map) in e.PerDof.Maps.Where(d => !OdometryExplanation.IsFlat(d.Value)))
            maps.Add(($"pose {name} @ {e.PerDof.Layer}", map, "Jet", 0, 1, "Grad-CAM"));
        if (flatDofs.Count > 0)
            notDrawn.Add(
                $"pose {string.Join(", ", flatDofs)} ({(e.PerDof.Layer is { } l ? e.WhyFlat(l) : "constant maps")})");
        maps.Add(("photometric error", e.ErrorMap, "Hot", 0, Percentile(e.ErrorMap, 0.99), "|error|"));

        int n = maps.Count + 1;
        var panels = new List<GenericChart> { Frame(e.Frame) };
        panels.AddRange(maps.Select((m, i) => Map(m.Map, m.Scale, m.Lo, m.Hi, m.Bar, row: i + 1, rows: n)));
        var titles = new List<string> { "target frame" };
        titles.AddRange(maps.Select(m => m.Title));
        var chart = Stack(panels, titles, $"Odometry saliency: negative view-synthesis loss {e.Loss:0.0000}" +
            string.Concat(notDrawn.Select(d => $"<br><sup>not drawn, constant: {d}</sup>")));
        // Each "not drawn" line takes room above the first panel's title: the top margin and the figure grow with them,
        // so the lines never run into the frame and the panels keep their height.
        int top = 64 + 24 * notDrawn.Count, extra = top - 80;
        var margin = new Plotly.NET.LayoutObjects.Margin();
        margin.SetProperty("t", top);
        var layout = new Layout();
        layout.SetProperty("margin", margin);
        layout.SetProperty("height", PanelHeight * n + extra);
        return Plotly.NET.Chart.withLayout(layout).Invoke(chart);
    }

    /// <summary>A sequence's negative-loss Grad-CAM: each explained target frame above its map (jet, 0..1, one colour
    /// bar), the sequence's frame index over every column; constant maps are counted in the title.</summary>
    public static GenericChart SequenceStrip(SequenceSaliency s)
    {
        using var scope = torch.NewDisposeScope();
        var frames = (s.Images * 255).round().to(torch.ScalarType.Byte);
        var overlays = CamOverlay.Blend(s.Images, s.Maps);
        var flat = s.FlatFrames;
        var title =
            $"Sequence {s.Sequence}: negative view-synthesis loss Grad-CAM at {s.Layer} " +
            $"({s.LayerSize.W}×{s.LayerSize.H}), " +
            $"{s.Frames.Length} snippets" + (flat.Length > 0
                        ? "<br><sup>constant map (no spatial evidence, drawn uniform blue) at frame(s) " +
                          $"{string.Join(", ", flat)}</sup>" : "");
        return CamComparisonPlot.Strips([("target frame", frames), ($"−loss Grad-CAM\n@ {s.Layer}", overlays)],
            s.Frames, title);
    }

    /// <summary>The view-synthesis loss of each explained snippet, by target frame.</summary>
    public static GenericChart SequenceLoss(SequenceSaliency s) =>
        CamComparisonPlot.Curves([("view-synthesis loss", s.Losses)], null, $"Sequence {s.Sequence}: loss per snippet",
            "loss", s.Frames, "target frame");

    static float[,] Inverse(float[,] depth)
    {
        var o = new float[depth.GetLength(0), depth.GetLength(1)];
        for (int r = 0; r < o.GetLength(0); r++) for (int c = 0; c < o.GetLength(1); c++) o[r, c] = depth[r, c] > 0
            ? 1 / depth[r, c] : 0;
        return o;
    }

    /// <summary>The value below which a share <paramref name="q"/> of the map lies (colour ranges robust to a few
    /// extreme pixels).</summary>
    static double Percentile(float[,] map, double q)
    {
        var v = map.Cast<float>().Where(float.IsFinite).OrderBy(x => x).ToArray();
        return v.Length == 0 ? 0 : v[(int)Math.Clamp(Math.Round(q * (v.Length - 1)), 0, v.Length - 1)];
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
            .Select(c => Enumerable.Range(0, 3).Select(k => (int)Math.Round(Math.Clamp(rgb[r, c, k], 0, 1) * 255))))
                .ToList();
        return CChart.Image<string>(Z: z);
    }

    /// <param name="row">the panel's row (0 = top) of <paramref name="rows"/>: its colour bar sits beside it.</param>
    static GenericChart Map(float[,] m, string scale, double? zmin, double? zmax, string? bar, int row = 0,
        int rows = 1)
    {
        int h = m.GetLength(0), w = m.GetLength(1);
        var z = Enumerable.Range(0, h).Select(r => Enumerable.Range(0, w).Select(c => (double)m[r, c])).ToList();
        var colors = scale switch
        {
            "Jet" => StyleParam.Colorscale.Jet, "Hot" => StyleParam.Colorscale.Hot, _ => StyleParam.Colorscale.Viridis,
        };
        var chart = CChart.Heatmap<double, int, int, string>(zData: z, ColorScale: colors, ShowScale: bar is not null,
            ReverseYAxis: true);
        chart = Plotly.NET.GenericChart.mapTrace(FSharpFunc(t =>
        {
            if (zmin is { } lo) t.SetProperty("zmin", lo);
            if (zmax is { } hi && hi > (zmin ?? double.MinValue)) t.SetProperty("zmax", hi);
            if (bar is not null)
                t.SetProperty("colorbar", new Dictionary<string, object>
                {
                    ["title"] = new Dictionary<string, object> { ["text"] = bar, ["side"] = "right" },
                    ["y"] = 1 - (row + 0.5) / rows, ["yanchor"] = "middle", ["len"] = 0.8 / rows, ["thickness"] = 12,
                });
            return t;
        }), chart);
        return chart;
    }

    static Microsoft.FSharp.Core.FSharpFunc<Trace, Trace> FSharpFunc(Func<Trace, Trace> f) =>
        Microsoft.FSharp.Core.FuncConvert.FromFunc(f);

    static GenericChart Stack(List<GenericChart> panels, List<string> titles, string title)
    {
        var grid = CChart.Grid(panels, panels.Count, 1, SubPlotTitles: titles);
        return Plotly.NET.CSharp.GenericChartExtensions.WithSize(WithTitle(grid, title), Width: 820,
            Height: PanelHeight * panels.Count);
    }

    static GenericChart Titled(GenericChart chart, string title, string x, string y)
    {
        chart = Plotly.NET.CSharp.GenericChartExtensions.WithXAxisStyle<double, double, string>(WithTitle(chart, title),
            TitleText: x);
        return Plotly.NET.CSharp.GenericChartExtensions.WithYAxisStyle<double, double, string>(chart, TitleText: y);
    }

    static GenericChart WithTitle(GenericChart chart, string title)
    {
        var t = new Title();
        t.SetProperty("text", title);
        // Anchored at the top of the figure, so a title of several lines grows downwards into the top margin (Plotly's
        // default puts the first line's baseline at the margin's middle, and later lines ran into the first panel).
        t.SetProperty("yref", "container");
        t.SetProperty("y", 1.0);
        t.SetProperty("yanchor", "top");
        t.SetProperty("pad", new Dictionary<string, object> { ["t"] = 24 });
        return Plotly.NET.Chart.withTitle(t).Invoke(chart);
    }
}
