using VideoGradCam.Runtime;

namespace VideoGradCam.Study;

/// <summary>
/// How the study trains one video classifier on the synthetic set, per profile. The one place that sizes them:
/// quick trains each model in about 2 minutes on 2 cores; full aims at the study's accuracy inside the 2-hour budget of
/// <c>reproduce --profile full</c> (15 epochs; an R3D-18 epoch takes about 2 minutes on 2 cores).
/// </summary>
/// <param name="Architecture">r3d18, mc3_18, cnn-lstm, cnn-lstm-attention.</param>
/// <param name="Frames">frames sampled per clip (equally spaced).</param>
/// <param name="Size">clip height = width after resize and centre crop.</param>
/// <param name="Width">base channels of the backbone (torchvision: 64).</param>
/// <param name="HiddenSize">LSTM hidden size (CNN-LSTM models).</param>
public sealed record ClassifierSettings(
    string Architecture, int Frames, int Size, int Width, int HiddenSize, int Epochs, int BatchSize, double LearningRate, int Seed)
{
    public static ClassifierSettings For(string architecture, Profile profile) => profile switch
    {
        Profile.Full => new(architecture, Frames: 16, Size: 112, Width: 16, HiddenSize: 128, Epochs: 15, BatchSize: 8, LearningRate: 1e-3, Seed: Seeds.Default),
        _ => new(architecture, Frames: 8, Size: 64, Width: 8, HiddenSize: 64, Epochs: 6, BatchSize: 8, LearningRate: 1e-3, Seed: Seeds.Default),
    };

    /// <summary>
    /// The layer the study's measurements explain. The study used the last block (layer4), but at the small clip sizes
    /// that train on 2 CPU cores layer4 is 2x2 (quick) or 4x4 (full) pixels: too coarse to point at small evidence.
    /// layer2 (stride 8) keeps 8x8 / 14x14; notebook 05 compares the layers on the same clips.
    /// </summary>
    public string CamLayer => Architecture.StartsWith("r3d") || Architecture.StartsWith("mc3") ? "layer2" : "backbone.layer2";

    /// <summary>The study's three classifiers, in the order of its figures.</summary>
    public static readonly IReadOnlyList<string> StudyModels = ["r3d18", "cnn-lstm", "cnn-lstm-attention"];
}
