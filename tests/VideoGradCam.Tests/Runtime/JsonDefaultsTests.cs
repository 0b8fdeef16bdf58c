using System.Text.Json;
using VideoGradCam.Runtime;
using VideoGradCam.Training;

namespace VideoGradCam.Tests.Runtime;

public class JsonDefaultsTests
{
    public sealed record Sample(double Finite, double NotANumber, double Infinite, float Single, double[] Values,
        double? Maybe);

    [Fact]
    public void NaNAndInfinityAreWrittenAsNullAndReadBackAsNaN()
    {
        var value = new Sample(0.25, double.NaN, double.PositiveInfinity, float.NegativeInfinity,
            [1.5, double.NaN], double.NegativeInfinity);
        var all = new[] { JsonDefaults.Indented, JsonDefaults.Compact, JsonDefaults.CamelCase, JsonDefaults.SnakeCase };
        foreach (var options in all)
        {
            var json = JsonSerializer.Serialize(value, options);
            Assert.DoesNotContain("NaN", json);
            Assert.DoesNotContain("Infinity", json);
            var back = JsonSerializer.Deserialize<Sample>(json, options)!;
            Assert.Equal(0.25, back.Finite);
            Assert.True(double.IsNaN(back.NotANumber) && double.IsNaN(back.Infinite) && float.IsNaN(back.Single));
            Assert.Equal(1.5, back.Values[0]);
            Assert.True(double.IsNaN(back.Values[1]));
            Assert.Null(back.Maybe);                                    // a nullable number stays null
        }
    }

    [Fact]
    public void FilesWrittenWithNamedLiteralsStillRead()
    {
        var back = JsonSerializer.Deserialize<Sample>(
            ("{'Finite':'2.5','NotANumber':'NaN','Infinite':'Infinity','Single':'-Infinity'," +
             "'Values':[1,'NaN'],'Maybe':3}")
                .Replace('\'', '"'),
            JsonDefaults.Compact)!;
        Assert.Equal(2.5, back.Finite);
        Assert.True(double.IsNaN(back.NotANumber));
        Assert.Equal(double.PositiveInfinity, back.Infinite);
        Assert.Equal(float.NegativeInfinity, back.Single);
        Assert.Equal(3, back.Maybe);
    }

    [Fact]
    public void FiniteNumbersAreWrittenAsTheSerializerDefaultsWriteThem()
    {
        var value = new Sample(0.1, 1e-300, -7, 0.3f, [1.0 / 3, 2e20], 5);   // so step-cache hashes stay what they were
        Assert.Equal(JsonSerializer.Serialize(value), JsonSerializer.Serialize(value, JsonDefaults.Compact));
    }

    [Fact]
    public void AnEvaluationReportWithNaNIsSavedAndReadBack()
    {
        var report = new EvaluationReport(4, double.NaN, double.PositiveInfinity, ["a", "b"], [double.NaN, 0.5],
            [[1, 1], [0, 2]]);
        var back = EvaluationReport.FromJson(report.ToJson());
        Assert.True(double.IsNaN(back.Accuracy) && double.IsNaN(back.Loss) && double.IsNaN(back.PerClassAccuracy[0]));
        Assert.Equal(0.5, back.PerClassAccuracy[1]);
    }
}
