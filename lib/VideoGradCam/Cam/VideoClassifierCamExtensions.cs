using VideoGradCam.Models;

namespace VideoGradCam.Cam;

public static class VideoClassifierCamExtensions
{
    /// <summary>The classifier for the CAM engine: a <see cref="ModuleCamModel"/> whose outputs are "logits" [B,K] and,
    /// for attention models, "attention" [B,T]; its layers are the classifier's <c>named_modules()</c> ("layer2",
    /// "backbone.layer2", ...). Recurrent models' activations are per frame, the others' volumes.</summary>
    public static ModuleCamModel AsCamModel(this VideoClassifier model) =>
        new([("", model)], clips =>
        {
            var output = model.Outputs(clips);
            var outputs = new Dictionary<string, TorchSharp.torch.Tensor> { ["logits"] = output.Logits };
            if (output.Attention is { } attention) outputs["attention"] = attention;
            return outputs;
        },
        ModelRegistry.Get(model.Architecture).Temporal.IsRecurrent ? ActivationLayout.Framewise
            : ActivationLayout.Volume);
}
