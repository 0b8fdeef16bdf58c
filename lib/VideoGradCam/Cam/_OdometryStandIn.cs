// THROWAWAY STAND-IN, feat/odometry only: the lead deletes this file at merge and the real Grad-CAM engine
// (written in parallel) takes over with exactly this API. Plain Grad-CAM, image layout only.
using TorchSharp;
using static TorchSharp.torch;

namespace VideoGradCam.Cam;

public enum CamMethod { GradCam, GradCamPlusPlus, HiResCam, XGradCam, LayerCam }

public enum TemporalWeighting { Global, PerTimeStep }

public sealed class CamResult : IDisposable
{
    public required Tensor Maps { get; init; }
    public required Tensor RawMaps { get; init; }
    public required Tensor Weights { get; init; }
    public required Tensor FrameImportance { get; init; }
    public required IReadOnlyDictionary<string, Tensor> Outputs { get; init; }

    public void Dispose()
    {
        Maps.Dispose(); RawMaps.Dispose(); Weights.Dispose(); FrameImportance.Dispose();
        foreach (var t in Outputs.Values) t.Dispose();
    }
}

public sealed record RegressionTarget(string Output, int Component, double Sign = 1) : ICamTarget
{
    public Tensor Score(IReadOnlyDictionary<string, Tensor> outputs, int sample) => outputs[Output][sample, Component] * Sign;
}

public sealed record NegativeLossTarget(string Output = "loss") : ICamTarget
{
    public Tensor Score(IReadOnlyDictionary<string, Tensor> outputs, int sample) => -outputs[Output][sample];
}

public sealed class CamEngine(ICamModel model, CamMethod method = CamMethod.GradCam, TemporalWeighting weighting = TemporalWeighting.Global)
{
    public CamResult Explain(Tensor input, IReadOnlyList<ICamTarget> targets, string layer)
    {
        if (method != CamMethod.GradCam || weighting != TemporalWeighting.Global)
            throw new NotSupportedException("The odometry stand-in computes plain Grad-CAM only.");
        using var scope = NewDisposeScope();
        var f = model.Forward(input, layer);
        if (f.Layout != ActivationLayout.Image) throw new NotSupportedException("The odometry stand-in handles image activations only.");
        var a = f.Activation;                                               // [B,C,h,w]
        long b = a.shape[0];
        Tensor score = zeros(1, device: a.device).squeeze();
        for (int i = 0; i < b; i++) score = score + (targets.Count == 1 ? targets[0] : targets[i]).Score(f.Outputs, i);
        var g = torch.autograd.grad([score], [a])[0];                      // [B,C,h,w]
        var w = g.mean([2, 3]);                                             // [B,C]
        var raw = nn.functional.relu((w.unsqueeze(-1).unsqueeze(-1) * a).sum(1, keepdim: true)).detach(); // [B,1,h,w]
        var up = nn.functional.interpolate(raw, size: [f.InputSize.H, f.InputSize.W], mode: InterpolationMode.Bilinear, align_corners: false);
        var lo = up.amin([1, 2, 3], keepdim: true); var hi = up.amax([1, 2, 3], keepdim: true);
        var maps = (up - lo) / (hi - lo).clamp(min: 1e-12);                // [B,1,H,W] = [B,T=1,H,W]
        var outputs = f.Outputs.ToDictionary(kv => kv.Key, kv => kv.Value.detach().MoveToOuterDisposeScope());
        return new CamResult
        {
            Maps = maps.MoveToOuterDisposeScope(), RawMaps = raw.MoveToOuterDisposeScope(),
            Weights = w.detach().MoveToOuterDisposeScope(), FrameImportance = ones(b, 1).MoveToOuterDisposeScope(), Outputs = outputs,
        };
    }
}
