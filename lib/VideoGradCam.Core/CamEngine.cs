using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Cam;

/// <summary>
/// The CAM engine: model + target layer + input + one target per sample -> maps at input resolution.
/// <para>Steps: eval mode; one forward pass with autograd on (never no_grad); the sum of the per-sample scores is
/// differentiated w.r.t. the target layer's activation only (<c>torch.autograd.grad</c>, no parameter gradients);
/// channel weights per method (<see cref="ChannelWeighting"/>); ReLU; upsampling (trilinear for volumes, bilinear per
/// frame for framewise and image layers, align_corners = false); min-max normalisation per clip after
/// upsampling.</para>
/// </summary>
public sealed class CamEngine(ICamModel model, CamMethod method = CamMethod.GradCam,
    TemporalWeighting weighting = TemporalWeighting.Global)
{
    /// <summary>The model explained: any <see cref="ICamModel"/> (e.g. <see cref="ModuleCamModel"/> for any nn.Module).
    /// A model that is itself an nn.Module is prepared for this machine's convolutions
    /// (<see cref="ModulePreparation"/>).</summary>
    public ICamModel Model { get; } = model is nn.Module m ? Prepared(model, m) : model;

    static ICamModel Prepared(ICamModel model, nn.Module module)
    {
        ModulePreparation.Prepare(module);
        return model;
    }

    /// <summary>How channels are weighted (the only difference between the methods).</summary>
    public CamMethod Method { get; } = method;

    /// <summary>How gradients are pooled over time for video activations.</summary>
    public TemporalWeighting Weighting { get; } = weighting;

    /// <summary>Explains <paramref name="input"/> (batch first) for one target per sample at layer
    /// <paramref name="layer"/>. Without targets, each sample is explained for its predicted class (the largest
    /// "logits"), read from the same forward pass; <see cref="CamResult.Targets"/> says which.</summary>
    public CamResult Explain(Tensor input, IReadOnlyList<ICamTarget>? targets, string layer) =>
        ExplainEach(input, targets, layer, [(Method, Weighting)])[0];

    /// <summary>The same explanation for several methods and weightings from one forward and one backward pass: the
    /// methods differ only in how they weight the activation's channels by its gradient, so every map is the one
    /// <see cref="Explain"/> would give with that method and weighting.</summary>
    internal IReadOnlyList<CamResult> ExplainEach(Tensor input, IReadOnlyList<ICamTarget>? targets, string layer,
        IReadOnlyList<(CamMethod Method, TemporalWeighting Weighting)> methods) =>
        ExplainEach(input, [targets], layer, methods)[0];

    /// <summary>The same for several sets of targets (one target per sample each, or null for the predicted classes)
    /// from one forward pass and one backward pass per set: result [set][method], each the map <see cref="Explain"/>
    /// would give.</summary>
    internal IReadOnlyList<IReadOnlyList<CamResult>> ExplainEach(Tensor input,
        IReadOnlyList<IReadOnlyList<ICamTarget>?> targetSets, string layer,
        IReadOnlyList<(CamMethod Method, TemporalWeighting Weighting)> methods)
    {
        long batch = input.shape[0];
        foreach (var targets in targetSets)
            if (targets is not null && targets.Count != batch)
                throw new ArgumentException(
                    $"Got {targets.Count} targets for a batch of {batch}: give exactly one target per sample.");
        if (Model is nn.Module module) module.eval();

        using var scope = NewDisposeScope();
        using var gradOn = enable_grad();
        var f = Model.Forward(input, layer);
        if (!f.Activation.requires_grad)
        {
            // A frozen model on a plain input builds no graph: let the input require grad and run again.
            f = Model.Forward(input.detach().requires_grad_(true), layer);
            if (!f.Activation.requires_grad)
                throw new InvalidOperationException(
                    $"The activation of layer '{layer}' is not in the autograd graph; was the forward pass run under " +
                    "no_grad?");
        }
        var activation = f.Activation.detach();
        var a = ToVolume(activation, f.Layout, f.Frames, batch); // [B,C,t,h,w]
        var sets = new List<IReadOnlyList<CamResult>>();
        for (int k = 0; k < targetSets.Count; k++)
        {
            var targets = targetSets[k] ?? PredictedClasses(f.Outputs);
            var scores = stack(Enumerable.Range(0, (int)batch).Select(i => targets[i].Score(f.Outputs, i)).ToArray());
            var gradient = autograd.grad([scores.sum()], [f.Activation], retain_graph: k < targetSets.Count - 1,
                allow_unused: true)[0];
            if (gradient is null || gradient.IsInvalid) gradient = zeros_like(activation);
            var g = ToVolume(gradient, f.Layout, f.Frames, batch);
            sets.Add(Maps(f, a, g, targets, layer, methods));
        }
        return sets;
    }

    /// <summary>Every method's result from one activation and its gradient (both <c>[B,C,t,h,w]</c>), moved out of the
    /// caller's dispose scope.</summary>
    static List<CamResult> Maps(CamForward f, Tensor a, Tensor g, IReadOnlyList<ICamTarget> targets, string layer,
        IReadOnlyList<(CamMethod Method, TemporalWeighting Weighting)> methods)
    {
        var gradientImportance = CamMaps.GradientNormShare(g, f.InputSize.T);
        var results = new List<CamResult>();
        foreach (var (method, weighting) in methods)
        {
            var w = ChannelWeighting.Compute(method, a, g, weighting);
            var raw = (w * a).sum(1).relu();                           // [B,t,h,w]
            if (!raw.isfinite().all().item<bool>()) throw NotFinite(layer);
            var maps = CamMaps.NormalisePerClip(CamMaps.Upsample(raw, f.Layout, f.InputSize)); // [B,T,H,W]
            results.Add(new CamResult
            {
                Maps = maps.MoveToOuterDisposeScope(),
                RawMaps = raw.MoveToOuterDisposeScope(),
                Weights = WeightsChannelLast(w, method, weighting).contiguous().MoveToOuterDisposeScope(),
                FrameImportance = CamMaps.FrameEnergyShare(maps).MoveToOuterDisposeScope(),
                GradientImportance = gradientImportance.alias().MoveToOuterDisposeScope(),
                Outputs = f.Outputs.ToDictionary(kv => kv.Key, kv => kv.Value.detach().MoveToOuterDisposeScope()),
                Targets = targets,
            });
        }
        return results;
    }

    /// <summary>Each sample's predicted class: the default target (pytorch-grad-cam's too).</summary>
    static IReadOnlyList<ICamTarget> PredictedClasses(IReadOnlyDictionary<string, Tensor> outputs)
    {
        if (!outputs.TryGetValue("logits", out var logits))
            throw new ArgumentException(
                "No target was given and the model has no \"logits\" output to take the predicted " +
                $"class from (its outputs: {string.Join(", ", outputs.Keys)}): give a target.");
        var predicted = logits.detach().argmax(1).cpu().data<long>().ToArray();
        return predicted.Select(k => (ICamTarget)new ClassTarget((int)k)).ToList();
    }

    /// <summary>Any layout -> <c>[B,C,t,h,w]</c>. Framewise <c>[B*T,C,h,w]</c> is clip-major, time-minor: row b*T + t
    /// is frame t of clip b.</summary>
    internal static Tensor ToVolume(Tensor x, ActivationLayout layout, int frames, long batch) => layout switch
    {
        ActivationLayout.Volume => x.dim() == 5 ? x : throw Shape(x, "[B,C,t,h,w]"),
        // [B,C,h,w] -> [B,C,1,h,w]
        ActivationLayout.Image => x.dim() == 4 ? x.unsqueeze(2) : throw Shape(x, "[B,C,h,w]"),
        ActivationLayout.Framewise => x.dim() == 4 && x.shape[0] == batch * frames
            // [B*T,C,h,w] -> [B,T,C,h,w] -> [B,C,T,h,w]
            ? x.reshape(batch, frames, x.shape[1], x.shape[2], x.shape[3]).permute(0, 2, 1, 3, 4)
            : throw Shape(x, $"[B*T,C,h,w] with B*T = {batch}*{frames}"),
        _ => throw new ArgumentOutOfRangeException(nameof(layout)),
    };

    static ArithmeticException NotFinite(string layer) =>
        new($"Grad-CAM at layer '{layer}': the map is not finite (NaN or infinity in the model's outputs, the " +
            "activation or its gradient). A NaN is never a map. On some CPUs (AVX-512) LibTorch's oneDNN " +
            "convolutions return NaN: run the model without oneDNN, or with its inputs in channels-last memory.");

    static ArgumentException Shape(Tensor x, string expected) =>
        new($"The target layer's activation has shape [{string.Join(",", x.shape)}]; expected {expected}.");

    static Tensor WeightsChannelLast(Tensor w, CamMethod method, TemporalWeighting weighting)
    {
        // [B,C,t,h,w] -> [B,t,h,w,C]
        if (ChannelWeighting.IsPerPosition(method)) return w.permute(0, 2, 3, 4, 1);
        if (weighting == TemporalWeighting.Global) return w.flatten(1);                      // [B,C,1,1,1] -> [B,C]
        return w.squeeze(-1).squeeze(-1).permute(0, 2, 1);                                  // [B,C,t,1,1] -> [B,t,C]
    }
}
