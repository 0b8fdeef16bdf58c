using VideoGradCam.Cam.Metrics;
using VideoGradCam.Plots;
using VideoGradCam.Training;

namespace VideoGradCam.Tests.Training;

public class TrainingPlotsTests
{
    static string Html(Plotly.NET.GenericChart chart) => Plotly.NET.GenericChart.toChartHTML(chart);

    [Fact]
    public void LearningCurvesShowTrainAndValidationAndNameTheBestEpoch()
    {
        var history = new TrainHistory([
            new EpochRecord(1, 0.9, 0.5, 0.8, 0.55, 1e-3, 1.0),
            new EpochRecord(2, 0.5, 0.8, 0.4, 0.85, 1e-3, 1.0),
            new EpochRecord(3, 0.3, 0.9, 0.45, 0.8, 1e-3, 1.0)]);
        var html = Html(TrainingPlots.LearningCurves(history));
        foreach (var s in new[] { "train loss", "validation loss", "train accuracy", "validation accuracy",
            "at epoch 2" })
            Assert.Contains(s, html);
    }

    [Fact]
    public void ConfusionMatrixHeatmapCarriesTheCountsAndAccuracy()
    {
        var report = new EvaluationReport(5, 0.8, 0.3, ["left", "right"], [2.0 / 3, 1.0], [[2, 1], [0, 2]]);
        var html = Html(TrainingPlots.ConfusionMatrix(report));
        Assert.Contains("heatmap", html);
        Assert.Contains("80.0", html);
        Assert.Contains("\"left\"", html);
    }

    [Fact]
    public void AttentionShareCountsMassOnRelevantFrames()
    {
        double[] a = [0.1, 0.6, 0.2, 0.1];
        bool[] relevant = [false, true, true, false];
        Assert.Equal(0.8, AttentionAgreement.RelevantShare(a, relevant), 9);
        Assert.Equal(0.5, AttentionAgreement.RelevantShare([0.25, 0.25, 0.25, 0.25], relevant), 9);   // uniform: 2/4
        var html = Html(TrainingPlots.AttentionVsRelevance(a, relevant, "clip 3"));
        Assert.Contains("80", html);
        Assert.Contains("uniform 1/T", html);
        var many = Html(TrainingPlots.AttentionVsRelevance([a, [0.25, 0.25, 0.25, 0.25]], [relevant, relevant]));
        Assert.Contains("mean share on relevant frames 65", many);
    }
}
