using Plotly.NET;
using Plotly.NET.CSharp;
using static TorchSharp.torch;
using Chart = Plotly.NET.CSharp.Chart;
using GenericChart = Plotly.NET.GenericChart;

namespace VideoGradCam.Plots;

/// <summary>The intermediate steps of Grad-CAM drawn for reading: a map at the layer's own resolution (before
/// up-sampling), and the weight of every channel.</summary>
public static class CamStepsPlot
{
    /// <summary>A map <c>[h,w]</c> as a heatmap, one square per layer cell, row 0 at the top, with its colour bar in
    /// the map's own units (not normalised).</summary>
    public static GenericChart Map(Tensor map, string title, string units = "ReLU(Σ α·A)", int pixels = 420)
    {
        if (map.dim() != 2) throw new ArgumentException($"Expected a map [h,w]; got [{string.Join(",", map.shape)}].");
        var values = map.detach().cpu().to(float64);
        int h = (int)values.shape[0], w = (int)values.shape[1];
        var flat = values.data<double>().ToArray();
        var z = Enumerable.Range(0, h).Select(r => flat.Skip(r * w).Take(w).ToArray()).ToArray();
        var heatmap = new Trace2D("heatmap");
        heatmap.SetProperty("z", z);
        heatmap.SetProperty("colorscale", Colormap.PlotlyName);
        heatmap.SetProperty("colorbar", new Dictionary<string, object>
            { ["title"] = new Dictionary<string, object> { ["text"] = units } });
        var chart = GenericChart.ofTraceObject(true, heatmap)
            .WithXAxisStyle<int, int, string>(TitleText: $"layer column (of {w})")
            .WithYAxisStyle<int, int, string>(TitleText: $"layer row (of {h})");
        var yAxis = new Plotly.NET.LayoutObjects.LinearAxis();
        yAxis.SetProperty("autorange", "reversed");
        yAxis.SetProperty("scaleanchor", "x");
        yAxis.SetProperty("title", new Dictionary<string, object> { ["text"] = $"layer row (of {h})" });
        chart = Plotly.NET.Chart.withYAxis(yAxis, null).Invoke(chart);
        chart = Plotly.NET.Chart.withSize((double)pixels + 120, (double)pixels + 60).Invoke(chart);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
    }

    /// <summary>Channel weights α_c as bars (positive warm, negative cool), with the channels' names on the
    /// axis.</summary>
    public static GenericChart Weights(IReadOnlyList<double> weights, string title, string yTitle = "α (weight)")
    {
        var keys = Enumerable.Range(0, weights.Count).Select(c => $"c{c}").ToArray();
        var colours = weights.Select(v => Color.fromString(v >= 0 ? "#d62728" : "#1f77b4")).ToArray();
        var chart = Chart.Column<double, string, string>(values: weights, Keys: keys, Name: "α",
                MarkerColor: Color.fromColors(colours))
            .WithXAxisStyle<string, string, string>(TitleText: "channel of the layer")
            .WithYAxisStyle<double, double, string>(TitleText: yTitle)
            .WithSize(900, 320);
        return Plotly.NET.Chart.withTitle(title, null).Invoke(chart);
    }
}
