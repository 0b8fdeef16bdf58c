using VideoGradCam.Models;
using VideoGradCam.Runtime;

namespace VideoGradCam.Study;

/// <summary>
/// How the study trains one video classifier on the synthetic set, per profile. The one place that sizes them:
/// quick trains each model in about 2 minutes on 2 cores; full aims at the study's accuracy inside the 2-hour budget of
/// <c>reproduce --profile full</c> (15 epochs; an R3D-18 epoch takes about 2 minutes on 2 cores).
/// </summary>
/// <param name="Architecture">a video classifier's name in <see cref="ModelRegistry"/>.</param>
/// <param name="Frames">frames sampled per clip (equally spaced).</param>
/// <param name="Size">clip height = width after resize and centre crop.</param>
/// <param name="Width">base channels of the backbone (torchvision: 64).</param>
/// <param name="HiddenSize">LSTM hidden size (CNN-LSTM models).</param>
public sealed record ClassifierSettings(
    string Architecture, int Frames, int Size, int Width, int HiddenSize, int Epochs, int BatchSize,
        double LearningRate, int Seed)
{
    public static ClassifierSettings For(string architecture, Profile profile) => profile switch
    {
        Profile.Full => new(architecture, Frames: 16, Size: 112, Width: 16, HiddenSize: 128, Epochs: 15, BatchSize: 8,
            LearningRate: 1e-3, Seed: Seeds.Default),
        _ => new(architecture, Frames: 8, Size: 64, Width: 8, HiddenSize: 64, Epochs: 6, BatchSize: 8,
            LearningRate: 1e-3, Seed: Seeds.Default),
    };

    /// <summary>The layer the study's measurements explain (<see cref="ModelEntry.StudyCamLayer"/>: why
    /// layer2).</summary>
    public string CamLayer => ModelRegistry.Get(Architecture).StudyCamLayer!;

    /// <summary>The study's three classifiers' names, in the order of its figures
    /// (<see cref="ModelRegistry.Study"/>).</summary>
    public static readonly IReadOnlyList<string> StudyModels = ModelRegistry.Study.Select(e => e.Name).ToList();
}
