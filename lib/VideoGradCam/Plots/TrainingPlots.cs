using Plotly.NET;
using Plotly.NET.CSharp;
using VideoGradCam.Cam.Metrics;
using VideoGradCam.Training;
using Chart = Plotly.NET.CSharp.Chart;
using GenericChart = Plotly.NET.GenericChart;

namespace VideoGradCam.Plots;

/// <summary>Figures of a training run: learning curves, the confusion matrix, attention against ground truth.</summary>
public static class TrainingPlots
{
    /// <summary>Loss (left) and accuracy (right) per epoch, training and validation; the best epoch is
    /// marked.</summary>
    public static GenericChart LearningCurves(TrainHistory history, string title = "Learning curves")
    {
        if (history.Epochs.Count == 0) throw new ArgumentException("The history has no epochs.");
        var epochs = history.Epochs.Select(e => e.Epoch).ToArray();
        var loss = Chart.Combine(
        [
            Chart.Line<int, double, string>(epochs, history.Epochs.Select(e => e.TrainLoss), Name: "train loss",
                ShowMarkers: true),
            Chart.Line<int, double, string>(epochs, history.Epochs.Select(e => e.ValLoss), Name: "validation loss",
                ShowMarkers: true),
        ]).WithXAxisStyle<int, int, string>(TitleText: "epoch")
            .WithYAxisStyle<double, double, string>(TitleText: "cross-entropy");
        var accuracy = Chart.Combine(
        [
            Chart.Line<int, double, string>(epochs, history.Epochs.Select(e => e.TrainAccuracy), Name: "train accuracy",
                ShowMarkers: true),
            Chart.Line<int, double, string>(epochs, history.Epochs.Select(e => e.ValAccuracy),
                Name: "validation accuracy", ShowMarkers: true),
        ]).WithXAxisStyle<int, int, string>(TitleText: "epoch")
            .WithYAxisStyle<double, double, string>(TitleText: "accuracy", MinMax: Tuple.Create(0.0, 1.0));
        var best = history.Best!;
        return Chart.Grid([loss, accuracy], 1, 2)
            .Titled($"{title} (best validation loss {best.ValLoss:0.###} at epoch {best.Epoch})");
    }

    /// <summary>The confusion matrix as a heatmap: rows true class (top to bottom), columns predicted class; cells show
    /// counts.</summary>
    public static GenericChart ConfusionMatrix(EvaluationReport report, string title = "Confusion matrix")
    {
        var names = report.ClassNames.ToArray();
        var z = report.Confusion.Select(row => row.Select(v => v)).ToArray();
        var text = report.Confusion.SelectMany(row => row.Select(v => v.ToString())).ToArray();
        return Chart.Heatmap<int, string, string, string>(z, X: names, Y: names,
            ColorScale: StyleParam.Colorscale.Greens, ReverseYAxis: true,
                MultiText: text, Name: "clips")
            .WithXAxisStyle<int, int, string>(TitleText: "predicted")
            .WithYAxisStyle<int, int, string>(TitleText: "true")
            .Titled($"{title}: accuracy {report.Accuracy:P1} over {report.Count} clips");
    }

    /// <summary>One clip's attention weights per frame as bars, ground-truth relevant frames in a distinct colour,
    /// with the uniform level 1/T as a dashed line; the title gives the share of attention on relevant
    /// frames.</summary>
    public static GenericChart AttentionVsRelevance(IReadOnlyList<double> attention, IReadOnlyList<bool> relevant,
        string title = "Attention")
    {
        int t = attention.Count;
        var frames = Enumerable.Range(0, t).ToArray();
        var share = AttentionAgreement.RelevantShare(attention, relevant);
        var bars = Chart.Column<double, int, string>(
            attention, Keys: frames, Name: "attention",
            MarkerColor: Color.fromColors(relevant.Select(r => Color.fromString(r ? "#d62728" : "#7f7f7f"))));
        var uniform = Chart.Line<double, double, string>([-0.5, t - 0.5], [1.0 / t, 1.0 / t],
            Name: "uniform 1/T", LineDash: StyleParam.DrawingStyle.Dash, LineColor: Color.fromString("#1f77b4"));
        return Chart.Combine([bars, uniform])
            .WithXAxisStyle<int, int, string>(TitleText: "frame (red: ground-truth relevant)")
            .WithYAxisStyle<double, double, string>(TitleText: "attention weight")
            .Titled($"{title}: {share:P0} of the attention on relevant frames ({relevant.Count(r => r)}/{t} frames)");
    }

    /// <summary>Several clips at once: a heatmap of attention (rows clips, columns frames) beside the ground-truth
    /// relevance.</summary>
    public static GenericChart AttentionVsRelevance(IReadOnlyList<double[]> attention, IReadOnlyList<bool[]> relevant,
        IReadOnlyList<string>? clipNames = null,
        string title = "Attention of test clips")
    {
        if (attention.Count != relevant.Count) throw new ArgumentException(
            $"{attention.Count} attention rows but {relevant.Count} relevance rows.");
        var names = clipNames?.ToArray() ?? attention.Select((_, i) => $"clip {i}").ToArray();
        int t = attention.Count == 0 ? 0 : attention[0].Length;
        var frames = Enumerable.Range(0, t).ToArray();
        var mean = AttentionAgreement.MeanRelevantShare(
            attention.Select((a, i) => ((IReadOnlyList<double>)a, (IReadOnlyList<bool>)relevant[i])));
        var weights =
            Chart.Heatmap<double, int, string, string>(attention.Select(a => a.AsEnumerable()), X: frames, Y: names,
            ColorScale: StyleParam.Colorscale.Viridis, ReverseYAxis: true, Name: "attention");
        var truth =
            Chart.Heatmap<int, int, string, string>(relevant.Select(r => r.Select(b => b ? 1 : 0)), X: frames, Y: names,
            ColorScale: StyleParam.Colorscale.NewCustom(new[] { Tuple.Create(0.0,
                Color.fromString("#f2f2f2")), Tuple.Create(1.0,
                Color.fromString("crimson")) }), ReverseYAxis: true, ShowScale: false, Name: "relevant");
        return Chart.Grid([weights, truth], 1, 2)
            .Titled(
                $"{title}: attention (left) vs ground-truth relevant frames (right, red); mean share on relevant " +
                $"frames {mean:P0}");
    }

    static GenericChart Titled(this GenericChart chart, string title)
    {
        var t = new Title();
        t.SetProperty("text", title);
        return Plotly.NET.Chart.withTitle(t).Invoke(chart);
    }
}
