using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VideoGradCam.Models;

/// <summary>
/// A 2D CNN over every frame, an LSTM over time, a classifier (Donahue et al., LRCN, 2015). The backbone is
/// torchvision's resnet18 without <c>fc</c> (keys <c>backbone.conv1.weight</c>, ...), applied to all T frames of a
/// clip as one batch. With attention (architecture <c>cnn-lstm-attention</c>) the classifier reads the context
/// vector of a temporal soft attention over the LSTM outputs instead of the last hidden state.
/// The backbone's activations are per frame, <c>[B*T,C,h,w]</c>, clip-major, time-minor.
/// </summary>
public sealed class CnnLstm : VideoClassifier
{
    readonly ResNet18 backbone;
    readonly LSTM lstm;
    readonly TemporalAttention? attention;
    readonly Linear fc;
    readonly VideoModelConfig _config;

    public CnnLstm(VideoModelConfig config) : base(config.Architecture)
    {
        _config = config;
        backbone = new ResNet18(config.Width, numClasses: null);
        lstm = LSTM(backbone.FeatureSize, config.HiddenSize, batchFirst: true);
        if (ModelRegistry.Get(config.Architecture).Temporal.HasAttention)
            attention = new TemporalAttention(config.HiddenSize, config.AttentionSize);
        fc = Linear(config.HiddenSize, config.NumClasses);
        RegisterComponents();
    }

    public override VideoModelConfig Config => _config;

    /// <summary>The per-frame 2D backbone (load ImageNet <c>resnet18</c> weights into it with
    /// <see cref="StateDictLoader"/>).</summary>
    public ResNet18 Backbone => backbone;

    /// <summary>Clips <c>[B,3,T,H,W]</c> -> logits <c>[B,K]</c> and, with attention, its weights
    /// <c>[B,T]</c>.</summary>
    public override VideoOutput Outputs(Tensor clips)
    {
        CheckClips(clips);
        long b = clips.shape[0], t = clips.shape[2];
        // [B*T,C,H,W]
        var frames = clips.permute(0, 2, 1, 3, 4).reshape(b * t, clips.shape[1], clips.shape[3], clips.shape[4]);
        var features = backbone.Features(frames).mean([2, 3]).view(b, t, -1);    // [B*T,F,h,w] -> [B,T,F]
        var (outputs, _, _) = lstm.call(features);                                // [B,T,H]
        if (attention is null) return new VideoOutput(fc.call(outputs.select(1, t - 1)), null);   // h_T: [B,H]
        var (context, weights) = attention.Attend(outputs);                       // [B,H], [B,T]
        return new VideoOutput(fc.call(context), weights);
    }
}

/// <summary>
/// Temporal soft attention scored against the last hidden state, as in the study:
/// <c>e_t = v · tanh(W [h_T; h_t])</c>, <c>a = softmax_t(e)</c>, <c>context = Σ_t a_t h_t</c>.
/// Its parameters (<c>attention.W.*</c>, <c>attention.v.weight</c>) are saved and loaded with the model.
/// </summary>
public sealed class TemporalAttention : nn.Module<Tensor, Tensor>
{
    readonly Linear W;
    readonly Linear v;

    public TemporalAttention(int hiddenSize, int attentionSize) : base("TemporalAttention")
    {
        W = Linear(2 * hiddenSize, attentionSize);
        v = Linear(attentionSize, 1, hasBias: false);
        RegisterComponents();
    }

    /// <summary>LSTM outputs <c>[B,T,H]</c> -> context <c>[B,H]</c> and weights <c>[B,T]</c> (rows sum to 1).</summary>
    public (Tensor Context, Tensor Weights) Attend(Tensor outputs)
    {
        long t = outputs.shape[1];
        var last = outputs.select(1, t - 1).unsqueeze(1).expand(-1, t, -1);       // h_T repeated: [B,T,H]
        var scores = v.call(tanh(W.call(cat([last, outputs], 2)))).squeeze(2);    // e: [B,T]
        var weights = softmax(scores, 1);                                         // a: [B,T]
        var context = (weights.unsqueeze(2) * outputs).sum(1);                    // Σ a_t h_t: [B,H]
        return (context, weights);
    }

    public override Tensor forward(Tensor outputs) => Attend(outputs).Context;
}
