using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Models;

/// <summary>What a video classifier hands back for one batch of clips.</summary>
/// <param name="Logits">[B, K]</param>
/// <param name="Activations">the requested layers: <c>[B,C,t,h,w]</c> for 3D nets, <c>[B*T,C,h,w]</c> (clip-major, time-minor) for per-frame CNNs.</param>
/// <param name="Attention">[B, T] temporal attention weights (rows sum to 1), or null when the model has none.</param>
public sealed record VideoForward(Tensor Logits, IReadOnlyDictionary<string, Tensor> Activations, Tensor? Attention);

/// <summary>
/// One interface for every video classifier (R3D-18, CNN-LSTM, CNN-LSTM with attention) so that training,
/// Grad-CAM and plots treat them alike. Input clips are <c>[B, C, T, H, W]</c> (torchvision's video layout).
/// </summary>
public interface IVideoClassifier
{
    /// <summary>Its name in <see cref="ModelRegistry"/>.</summary>
    string Architecture { get; }

    int NumClasses { get; }

    /// <summary>The layers an explanation can target, shallow to deep (e.g. stem, layer1..layer4).</summary>
    IReadOnlyList<string> CamLayers { get; }

    /// <summary>The layer explained by default: the study's (<see cref="ModelEntry.StudyCamLayer"/>, layer2), the one training and the study measure.</summary>
    string DefaultCamLayer { get; }

    /// <summary>True when layer activations are per frame, <c>[B*T,C,h,w]</c>; false for 3D volumes <c>[B,C,t,h,w]</c>.</summary>
    bool FramewiseActivations { get; }

    /// <summary>Forward pass keeping the activations of <paramref name="keepLayers"/> (in the autograd graph).</summary>
    VideoForward Forward(Tensor clips, IReadOnlyCollection<string> keepLayers);
}
