using System.Text.Json.Nodes;
using VideoGradCam.Odometry;
using VideoGradCam.Runtime;
using VideoGradCam.Study.Pipeline;
using VideoGradCam.Training;

namespace VideoGradCam.Tests.Study;

public class ReportNotMeasuredTests
{
    [Fact]
    public void TheReportPrintsNotMeasuredForNaNAndMetricsJsonSaysWhy()
    {
        var folder = TestTemp.Dir("report-nan");
        var accuracy = new EvaluationReport(10, double.NaN, double.NaN, ["raise", "lower"], [double.NaN, 0.5],
            [[5, 0], [0, 5]]);
        var html = StudyReport.Write(new StudyResults
        {
            Profile = Profile.Quick, Claims = [], Figures = [],
            Cam = new Dictionary<string, VideoGradCam.Cam.Evaluation.CamEvaluation>(),
            Accuracy = new Dictionary<string, EvaluationReport> { ["r3d18"] = accuracy },
            Odometry = new { ate = double.PositiveInfinity, snippets = 3 },
            OdometryAte = [new AteRow("SfMLearner", double.NaN, double.NaN, 3)],
        }, folder);

        var page = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(html), "<script[^>]*>.*?</script>", "",
            System.Text.RegularExpressions.RegexOptions.Singleline);              // plotly.js itself mentions NaN
        Assert.DoesNotContain("NaN", page.Replace("came out NaN", ""));
        Assert.Contains("<td>not measured (the measurement came out NaN)</td>", page);
        Assert.Contains("raise not measured (the measurement came out NaN), lower 50", page);

        var metrics = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")))!;
        Assert.Null(metrics["accuracy"]!["r3d18"]!["Accuracy"]);
        Assert.Equal(3, (int)metrics["odometry"]!["snippets"]!);
        Assert.Null(metrics["odometry"]!["ate"]);
        var reasons = metrics[NotMeasuredJson.Property]!.AsObject();
        Assert.Contains("$.accuracy.r3d18.Accuracy", reasons.Select(kv => kv.Key));
        Assert.Contains("$.odometry.ate", reasons.Select(kv => kv.Key));
        var odometry = JsonNode.Parse(File.ReadAllText(Path.Combine(folder, "odometry.json")))!;
        Assert.Null(odometry["ate"]);
        Assert.NotNull(odometry[NotMeasuredJson.Property]!["$.ate"]);
    }
}
