using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Training;
using VideoGradCam.Plots;

namespace VideoGradCam.Tests.Odometry;

public class OdometryPlotsTests
{
    static float[,] Ramp(int h, int w) { var m = new float[h, w];
        for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) m[r, c] = (r + c) / (float)(h + w); return m; }

    [Fact]
    public void SaliencyPanelHasOnePanelPerMapWithTitles()
    {
        var e = new OdometryExplanation(new float[4, 6, 3], Ramp(4, 6), Ramp(4, 6),
            new Dictionary<string, float[,]> { ["pose.conv7"] = Ramp(4, 6), ["depth.iconv1"] = Ramp(4, 6) },
            new PerDofMaps(new Dictionary<string, float[,]> { ["tz (t+1)"] = Ramp(4, 6) }), 0.12, new double[12]);
        var chart = OdometryPlots.SaliencyPanel(e);
        var types = Plotly.NET.GenericChart.getTraces(chart).Select(t => t.type).ToList();
        // frame, depth, 2 −loss maps, 1 DoF, error
        Assert.Equal(["image", "heatmap", "heatmap", "heatmap", "heatmap", "heatmap"], types);
        var json = Plotly.NET.GenericChart.toChartHTML(chart);
        Assert.Contains("pose tz (t+1)", json);
        Assert.Contains("photometric error", json);
    }

    [Fact]
    public void AConstantMapIsNotDrawnButSaidWhyAndEveryMapHasItsOwnColourBar()
    {
        var e = new OdometryExplanation(new float[4, 6, 3], Ramp(4, 6), Ramp(4, 6),
            new Dictionary<string, float[,]> { ["pose.conv7"] = new float[4, 6], ["pose.conv4"] = Ramp(4, 6) },
            new PerDofMaps(
                new Dictionary<string, float[,]> { ["tx (t+1)"] = new float[4, 6], ["tz (t+1)"] = Ramp(4, 6) },
                "pose.conv4"), 0.12, new double[12],
            new Dictionary<string, (int H, int W)> { ["pose.conv7"] = (1, 1), ["pose.conv4"] = (2, 3) });
        var chart = OdometryPlots.SaliencyPanel(e);
        var traces = Plotly.NET.GenericChart.getTraces(chart).ToList();
        // frame, disparity, conv4, tz, error
        Assert.Equal(["image", "heatmap", "heatmap", "heatmap", "heatmap"], traces.Select(t => t.type));
        var html = Plotly.NET.GenericChart.toChartHTML(chart);
        Assert.Contains("not drawn, constant: −loss Grad-CAM @ pose.conv7 (pose.conv7 is 1×1 at 6×4", html);
        Assert.Contains("pose tx (t+1)", html);
        // One colour bar per map, each beside its own panel (different heights).
        var bars =
            traces.Skip(1).Select(t => t.TryGetTypedPropertyValue<Dictionary<string, object>>("colorbar")).ToList();
        Assert.All(bars, b => Assert.NotNull(b.Value));
        Assert.Equal(bars.Count, bars.Select(b => b.Value!["y"]).Distinct().Count());
    }

    [Fact]
    public void LossAndTrajectoryFiguresCarryTheirData()
    {
        var h = new SfmTrainingHistory([new SfmStep(0, 0, 1.5, 1.2, 0.3, 0), new SfmStep(1, 1, 0.75, 0.6, 0.15, 0)], 2);
        var loss = Plotly.NET.GenericChart.toChartHTML(OdometryPlots.LossCurves(h));
        Assert.Contains("photometric", loss);
        Assert.Contains("0.75", loss);
        var t = new TopViewTrajectory("02", [0, 0.1], [0, 1.25], [0, 0.2], [0, 1.5]);
        var traj = Plotly.NET.GenericChart.toChartHTML(OdometryPlots.Trajectory(t));
        Assert.Contains("1.25", traj);
        Assert.Contains("ground truth", traj);
    }
}
