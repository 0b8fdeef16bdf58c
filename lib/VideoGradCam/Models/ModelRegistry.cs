namespace VideoGradCam.Models;

/// <summary>What a model is for: a video classifier (built here) or visual odometry (built in Odometry/).</summary>
public enum ModelKind { VideoClassifier, Odometry }

/// <summary>The statistics a model's input is normalised with: those of the data its published weights were trained
/// on.</summary>
public enum InputStatistics { Kinetics400, ImageNet }

/// <summary>One model the workspace knows.</summary>
/// <param name="Name">its name everywhere: the command line, checkpoints, the study's tables and claims.</param>
/// <param name="StudyCamLayer">the layer the study explains. The study used the last block (layer4), but at the clip
/// sizes that train on 2 CPU cores layer4 is 2x2 (quick) or 4x4 (full): too coarse to point at small evidence, so the
/// study explains layer2 (stride 8: 8x8 / 14x14); notebook 04 compares the layers. Null for odometry (its layers are
/// SfmCamModel's).</param>
/// <param name="Temporal">how the model treats time: recurrent or not, with temporal attention or not.</param>
/// <param name="Statistics">the input normalisation (null for odometry, which takes images in [-1, 1]).</param>
/// <param name="Create">builds a video classifier from its configuration (null for odometry).</param>
/// <param name="Aliases">other spellings accepted on input (torchvision's names), never written.</param>
public sealed record ModelEntry(string Name, string Description, ModelKind Kind, string? StudyCamLayer,
    TemporalDesign Temporal, InputStatistics? Statistics, Func<VideoModelConfig, VideoClassifier>? Create,
    IReadOnlyList<string> Aliases)
{
    public override string ToString() => Name;
}

/// <summary>How a model treats time.</summary>
/// <param name="IsRecurrent">a 2D CNN over every frame, then an LSTM: one map per frame from [B*T,C,h,w]
/// activations.</param>
/// <param name="HasAttention">temporal attention weights come out beside the logits.</param>
public sealed record TemporalDesign(bool IsRecurrent, bool HasAttention);

/// <summary>
/// The one list of models: name, factory, the study's CAM layer, recurrent or not. Settings, training, the study's
/// claims and the CLI read names from here; adding a model is one entry here plus its class.
/// </summary>
public static class ModelRegistry
{
    public static readonly ModelEntry R3D18 =
        new("r3d18", "3D ResNet-18, torchvision's r3d_18 (3D convolutions over space and time)",
        ModelKind.VideoClassifier, "layer2", new(IsRecurrent: false, HasAttention: false),
            InputStatistics.Kinetics400, c => new R3D18(c), ["r3d_18"]);

    public static readonly ModelEntry MC318 =
        new("mc3_18", "mixed-convolution ResNet-18, torchvision's mc3_18 (3D stem and layer1, 2D after)",
        ModelKind.VideoClassifier, "layer2", new(IsRecurrent: false, HasAttention: false),
            InputStatistics.Kinetics400, c => new R3D18(c), ["mc3"]);

    public static readonly ModelEntry CnnLstm =
        new("cnn-lstm", "ResNet-18 on every frame, then an LSTM (the study's vanilla CNN-LSTM)",
        ModelKind.VideoClassifier, "backbone.layer2", new(IsRecurrent: true, HasAttention: false),
            InputStatistics.ImageNet, c => new CnnLstm(c), []);

    public static readonly ModelEntry CnnLstmAttention =
        new("cnn-lstm-attention", "the CNN-LSTM with temporal soft attention over its steps",
        ModelKind.VideoClassifier, "backbone.layer2", new(IsRecurrent: true, HasAttention: true),
            InputStatistics.ImageNet, c => new CnnLstm(c), []);

    public static readonly ModelEntry SfmLearner =
        new("sfmlearner", "SfMLearner visual odometry: DepthNet (DispNetS) and PoseNet (PoseExpNet)",
        ModelKind.Odometry, StudyCamLayer: null, new(IsRecurrent: false, HasAttention: false), Statistics: null,
            Create: null, []);

    public static readonly IReadOnlyList<ModelEntry> All = [R3D18, MC318, CnnLstm, CnnLstmAttention, SfmLearner];

    /// <summary>The study's three video classifiers, in the order of its figures.</summary>
    public static readonly IReadOnlyList<ModelEntry> Study = [R3D18, CnnLstm, CnnLstmAttention];

    public static IReadOnlyList<ModelEntry> OfKind(ModelKind kind) => All.Where(e => e.Kind == kind).ToList();

    /// <summary>The entry named <paramref name="name"/> (or one of its aliases), else null.</summary>
    public static ModelEntry? Find(string name) => All.FirstOrDefault(e => e.Name == name || e.Aliases.Contains(name));

    /// <summary>The entry named <paramref name="name"/>; an unknown name is refused with the known ones.</summary>
    public static ModelEntry Get(string name, ModelKind? kind = null) =>
        Find(name) is { } e && (kind is null || e.Kind == kind)
            ? e
            : throw new ArgumentException(
                $"Unknown {(kind == ModelKind.Odometry ? "odometry model"
                    : kind == ModelKind.VideoClassifier ? "video classifier" : "model")} " +
                $"'{name}'. Known: {Names(kind)}.");

    /// <summary>"r3d18, mc3_18, ..." for messages and help.</summary>
    public static string Names(ModelKind? kind = null) =>
        string.Join(", ", (kind is { } k ? OfKind(k) : All).Select(e => e.Name));
}
