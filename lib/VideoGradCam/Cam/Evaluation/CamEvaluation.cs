using System.Text.Json;
using System.Text.Json.Serialization;
using VideoGradCam.Runtime;

namespace VideoGradCam.Cam.Evaluation;

/// <summary>Every score of one CAM method (and weighting) on a model, by name
/// (<see cref="CamMetrics.Scores"/>).</summary>
/// <param name="Scores">the named values of every metric; NaN where not measured.</param>
/// <param name="FrameImportance">per clip, the share of map energy in each frame.</param>
public sealed record MethodScores(string Method, string Weighting, IReadOnlyDictionary<string, double> Scores,
    double[][] FrameImportance)
{
    /// <summary>The score named <paramref name="name"/> (NaN when this evaluation did not measure it).</summary>
    public double this[string name] => Scores.TryGetValue(name, out var v) ? v : double.NaN;

    public double this[ScoreInfo score] => this[score.Name];

    /// <summary>A pass/fail score as a bool.</summary>
    public bool Passed(ScoreInfo score) => this[score] >= 0.5;
}

/// <summary>Attention against the relevant frames: mass on them (chance: their share), and the ROC AUC.</summary>
public sealed record AttentionScores(double MassOnRelevant, double ChanceMass, double Auc);

/// <summary>The output of <c>./workspace evaluate-cam</c> for one checkpoint.</summary>
/// <param name="Data">the clips measured on, with their labels, predictions and ground truth.</param>
/// <param name="Chance">what a uniform or random map would score.</param>
/// <param name="AttentionWeights">per clip, the attention model's weights over the sampled frames (null: no attention,
/// or an older evaluation).</param>
public sealed record CamEvaluation(string Checkpoint, string Architecture, string Layer, EvaluatedClips Data,
    ChanceLevels Chance, IReadOnlyList<MethodScores> Methods, AttentionScores? Attention,
    double[][]? AttentionWeights = null)
{
    [JsonIgnore] public string Split => Data.Split;
    [JsonIgnore] public int Clips => Data.Count;
    [JsonIgnore] public double Accuracy => Data.Accuracy;
    [JsonIgnore] public bool HasGroundTruth => Data.HasGroundTruth;
    [JsonIgnore] public double MaskArea => Chance.MaskArea;
    [JsonIgnore] public double PointingChance => Chance.PointingChance;

    static readonly JsonSerializerOptions Options = JsonDefaults.Indented;

    public void Save(string path) => AtomicFile.WriteAllText(path, JsonSerializer.Serialize(this, Options));

    public static CamEvaluation Load(string path) =>
        JsonSerializer.Deserialize<CamEvaluation>(File.ReadAllText(path), Options)
            ?? throw new InvalidDataException($"{path}: empty CAM evaluation.");

    public MethodScores Method(CamMethod method, TemporalWeighting? weighting = null) =>
        Methods.First(m => m.Method == method.ToString() && (weighting is null || m.Weighting == weighting.ToString()));
}

/// <summary>The clips a <see cref="CamEvaluation"/> measured on.</summary>
/// <param name="Count">how many clips.</param>
/// <param name="Accuracy">the share the model classified right.</param>
/// <param name="Relevant">per clip, the ground-truth relevant frames (empty without ground truth).</param>
/// <param name="HasGroundTruth">false on a real data set without annotations: the metrics against masks and relevant
/// frames (pointing, energy, temporal AUC, attention on relevant frames, chance levels) are NaN, not measured; the
/// others are measured.</param>
public sealed record EvaluatedClips(string Split, int Count, double Accuracy, string[] Videos, string[] Labels,
    string[] Predicted, bool[][] Relevant, bool HasGroundTruth = true);

/// <summary>What a map that knows nothing scores.</summary>
/// <param name="MaskArea">mean share of a relevant frame covered by the evidence mask: the energy share of a uniform
/// map.</param>
/// <param name="PointingChance">mean share covered by the mask dilated by the 15-pixel tolerance: the pointing game of
/// a random maximum.</param>
public sealed record ChanceLevels(double MaskArea, double PointingChance);

/// <summary>What <see cref="CamEvaluator.Evaluate"/> measures and on how much data.</summary>
/// <param name="DeletionClips">clips scored by deletion/insertion (16 forward passes per clip and curve).</param>
/// <param name="SanityClips">clips used by the model-randomisation check.</param>
public sealed record CamEvaluationOptions(IReadOnlyList<(CamMethod Method, TemporalWeighting? Weighting)> Methods,
    string Split = "test",
    int? MaxClips = null, int DeletionClips = 8, int SanityClips = 4, int BatchSize = 8, string? Layer = null)
{
    public static readonly IReadOnlyList<CamMethod> AllMethods = Enum.GetValues<CamMethod>();

    /// <summary>Every method with the model's default weighting, plus Grad-CAM with the other weighting.</summary>
    public static CamEvaluationOptions Study(Profile profile) => new(
        [.. AllMethods.Select(m => (m, (TemporalWeighting?)null)), (CamMethod.GradCam, TemporalWeighting.Global),
            (CamMethod.GradCam, TemporalWeighting.TimeResolved)],
        DeletionClips: profile == Profile.Full ? 32 : 8, SanityClips: profile == Profile.Full ? 8 : 4);
}
