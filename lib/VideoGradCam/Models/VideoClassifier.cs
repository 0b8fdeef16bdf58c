using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Models;

/// <summary>
/// The base of every video classifier: a plain <c>nn.Module&lt;Tensor,Tensor&gt;</c> returning logits (for training),
/// and an <see cref="IVideoClassifier"/> returning logits, the requested activations and attention (for Grad-CAM).
/// </summary>
public abstract class VideoClassifier(string name) : nn.Module<Tensor, Tensor>(name), IVideoClassifier
{
    /// <summary>The configuration this model was built from (rebuilds it from a checkpoint).</summary>
    public abstract VideoModelConfig Config { get; }

    public string Architecture => Config.Architecture;
    public int NumClasses => Config.NumClasses;
    public abstract IReadOnlyList<string> CamLayers { get; }
    public string DefaultCamLayer => ModelRegistry.Get(Architecture).StudyCamLayer ?? CamLayers[^1];
    public abstract bool FramewiseActivations { get; }

    public abstract VideoForward Forward(Tensor clips, IReadOnlyCollection<string> keepLayers);

    /// <summary>Logits only: <c>[B,C,T,H,W] -> [B,K]</c>.</summary>
    public override Tensor forward(Tensor clips) => Forward(clips, []).Logits;

    protected void CheckLayers(IReadOnlyCollection<string> keepLayers)
    {
        foreach (var l in keepLayers)
            if (!CamLayers.Contains(l))
                throw new ArgumentException($"{Architecture} has no layer '{l}'. Layers: {string.Join(", ", CamLayers)}.");
    }

    protected static void CheckClips(Tensor clips)
    {
        if (clips.dim() != 5 || clips.shape[1] != 3)
            throw new ArgumentException($"Expected clips [B,3,T,H,W], got [{string.Join(",", clips.shape)}].");
    }
}
