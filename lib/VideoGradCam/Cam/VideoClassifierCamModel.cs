using TorchSharp;
using VideoGradCam.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Cam;

/// <summary>
/// Any <see cref="IVideoClassifier"/> as a CAM model. Outputs: "logits" [B,K] and, for attention models, "attention" [B,T].
/// Layout: <see cref="ActivationLayout.Framewise"/> when the classifier's activations are per frame, else <see cref="ActivationLayout.Volume"/>.
/// </summary>
public sealed class VideoClassifierCamModel(IVideoClassifier classifier) : ICamModel
{
    /// <summary>The classifier explained.</summary>
    public IVideoClassifier Classifier { get; } = classifier;

    /// <summary>Logits (and attention) and the activation of one of the classifier's <see cref="IVideoClassifier.CamLayers"/>.</summary>
    /// <param name="input">clips [B,C,T,H,W]</param>
    public CamForward Forward(Tensor input, string layer)
    {
        if (input.dim() != 5) throw new ArgumentException($"Clips must be [B,C,T,H,W]; got [{string.Join(",", input.shape)}].");
        if (!Classifier.CamLayers.Contains(layer))
            throw new ArgumentException($"'{layer}' is not a CAM layer of {Classifier.Architecture}. Layers: {string.Join(", ", Classifier.CamLayers)}.");
        if (Classifier is nn.Module m) m.eval();
        var f = Classifier.Forward(input, [layer]);
        var outputs = new Dictionary<string, Tensor> { ["logits"] = f.Logits };
        if (f.Attention is not null) outputs["attention"] = f.Attention;
        int T = (int)input.shape[2], H = (int)input.shape[3], W = (int)input.shape[4];
        var layout = Classifier.FramewiseActivations ? ActivationLayout.Framewise : ActivationLayout.Volume;
        return new CamForward(outputs, f.Activations[layer], layout, T, (T, H, W));
    }
}
