using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Models;

/// <summary>What a video classifier returns for a batch of clips.</summary>
/// <param name="Logits">[B, K]</param>
/// <param name="Attention">[B, T] temporal attention weights (rows sum to 1), or null when the model has none.</param>
public sealed record VideoOutput(Tensor Logits, Tensor? Attention);

/// <summary>
/// The base of every video classifier (R3D-18, CNN-LSTM, CNN-LSTM with attention): a plain module on clips
/// <c>[B,C,T,H,W]</c> (torchvision's video layout) that returns its outputs only; explanations tap its layers with
/// forward hooks (<c>AsCamModel</c> in the Grad-CAM core).
/// </summary>
public abstract class VideoClassifier(string name) : nn.Module<Tensor, Tensor>(name)
{
    /// <summary>The configuration this model was built from (rebuilds it from a checkpoint).</summary>
    public abstract VideoModelConfig Config { get; }

    /// <summary>Its name in <see cref="ModelRegistry"/>.</summary>
    public string Architecture => Config.Architecture;

    public int NumClasses => Config.NumClasses;

    /// <summary>The layer explained by default: the study's (<see cref="ModelEntry.StudyCamLayer"/>).</summary>
    public string DefaultCamLayer => ModelRegistry.Get(Architecture).StudyCamLayer!;

    /// <summary>Logits and, for attention models, the attention weights.</summary>
    public abstract VideoOutput Outputs(Tensor clips);

    /// <summary>Logits only: <c>[B,C,T,H,W] -> [B,K]</c>.</summary>
    public override Tensor forward(Tensor clips) => Outputs(clips).Logits;

    protected static void CheckClips(Tensor clips)
    {
        if (clips.dim() != 5 || clips.shape[1] != 3)
            throw new ArgumentException($"Expected clips [B,3,T,H,W], got [{string.Join(",", clips.shape)}].");
    }
}
