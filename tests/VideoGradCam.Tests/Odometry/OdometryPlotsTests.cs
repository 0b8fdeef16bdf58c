using VideoGradCam.Odometry;
using VideoGradCam.Plots;

namespace VideoGradCam.Tests.Odometry;

public class OdometryPlotsTests
{
    static float[,] Ramp(int h, int w) { var m = new float[h, w]; for (int r = 0; r < h; r++) for (int c = 0; c < w; c++) m[r, c] = (r + c) / (float)(h + w); return m; }

    [Fact]
    public void SaliencyPanelHasOnePanelPerMapWithTitles()
    {
        var e = new OdometryExplanation(new float[4, 6, 3], Ramp(4, 6), Ramp(4, 6),
            new Dictionary<string, float[,]> { ["pose.conv7"] = Ramp(4, 6), ["depth.iconv1"] = Ramp(4, 6) },
            new Dictionary<string, float[,]> { ["tz (t+1)"] = Ramp(4, 6) }, 0.12, new double[12]);
        var chart = OdometryPlots.SaliencyPanel(e);
        var types = Plotly.NET.GenericChart.getTraces(chart).Select(t => t.type).ToList();
        Assert.Equal(["image", "heatmap", "heatmap", "heatmap", "heatmap", "heatmap"], types);   // frame, depth, 2 −loss maps, 1 DoF, error
        var json = Plotly.NET.GenericChart.toChartHTML(chart);
        Assert.Contains("pose tz (t+1)", json);
        Assert.Contains("photometric error", json);
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
