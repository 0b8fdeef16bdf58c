using System.Text.Json;
using VideoGradCam.Runtime;

namespace VideoGradCam.Study;

/// <summary>Where a study checkpoint came from, written beside it: the shipped models (with their manifest's training
/// run) or a training on this machine. What the report's header and the notebooks say about the models they
/// use.</summary>
/// <param name="Source">"shipped" or "trained here".</param>
public sealed record ModelProvenance(string Source, string Commit, DateTime FinishedUtc, double Seconds)
{
    public const string FileName = "provenance.json", ShippedSource = "shipped", TrainedSource = "trained here";

    public static ModelProvenance Shipped(ShippedModel m) =>
        new(ShippedSource, m.Training.Commit, m.Training.FinishedUtc, m.Training.Seconds);

    public bool IsShipped => Source == ShippedSource;

    public void Save(string checkpointFolder) => AtomicFile.WriteAllText(Path.Combine(checkpointFolder, FileName),
        JsonSerializer.Serialize(this, JsonDefaults.CamelCase));

    /// <summary>The provenance of the checkpoint in <paramref name="checkpointFolder"/>: its file, or else a training
    /// here (the step marker's time); null when the folder holds no finished checkpoint.</summary>
    public static ModelProvenance? Read(string checkpointFolder)
    {
        var path = Path.Combine(checkpointFolder, FileName);
        if (File.Exists(path))
            return JsonSerializer.Deserialize<ModelProvenance>(File.ReadAllText(path), JsonDefaults.CamelCase);
        var marker = Path.Combine(checkpointFolder, StepCache.MarkerName);
        if (!File.Exists(marker)) return null;
        var done = JsonSerializer.Deserialize<StepCache.Marker>(File.ReadAllText(marker), JsonDefaults.Compact)!;
        return new ModelProvenance(TrainedSource, "", done.FinishedUtc, done.Seconds);
    }

    /// <summary>One line for a report or a notebook, e.g. "shipped (trained at b1bf8a2 on 2026-12-06, 1281 s)".
    /// </summary>
    public string Describe() => IsShipped
        ? $"shipped in data/study-models (trained at {Commit} on {FinishedUtc:yyyy-MM-dd}, {Seconds:0} s)"
        : $"trained here on {FinishedUtc:yyyy-MM-dd HH:mm} UTC ({Seconds:0} s)";
}
