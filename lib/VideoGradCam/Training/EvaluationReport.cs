using System.Text.Json;
using VideoGradCam.Runtime;

namespace VideoGradCam.Training;

/// <summary>Accuracy, mean loss, per-class accuracy and the confusion matrix (rows: true class, columns:
/// predicted).</summary>
public sealed record EvaluationReport(
    int Count,
    double Accuracy,
    double Loss,
    IReadOnlyList<string> ClassNames,
    IReadOnlyList<double> PerClassAccuracy,
    int[][] Confusion)
{
    static readonly JsonSerializerOptions Json = JsonDefaults.CamelCase;

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static EvaluationReport FromJson(string json) =>
        JsonSerializer.Deserialize<EvaluationReport>(json, Json)
            ?? throw new InvalidDataException("Empty evaluation report.");

    public void Save(string path) => AtomicFile.WriteAllText(path, ToJson());

    /// <summary>Accuracy over the clips of the given classes only (e.g. a time-reversed pair).</summary>
    public double AccuracyOver(IEnumerable<int> classes)
    {
        var set = classes.ToHashSet();
        long right = 0, all = 0;
        foreach (var c in set) { right += Confusion[c][c]; all += Confusion[c].Sum(); }
        return all == 0 ? double.NaN : (double)right / all;
    }

    public override string ToString() =>
        $"accuracy {Accuracy:P1} over {Count} clips, loss {Loss:0.####}; per class: " +
        string.Join(", ", ClassNames.Select((n, i) => $"{n} {PerClassAccuracy[i]:P0}"));
}
