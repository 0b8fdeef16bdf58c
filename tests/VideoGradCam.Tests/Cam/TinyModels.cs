using TorchSharp;
using TorchSharp.Modules;
using VideoGradCam.Cam;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

/// <summary>A tiny 3D conv net: conv1 -> ReLU -> conv2 (stride 1,2,2) -> ReLU -> global average pool -> fc.
/// Clips [B,3,T,H,W]; layers "conv1" [B,C,T,H,W] and "conv2" [B,C,T,H/2,W/2].</summary>
public sealed class TinyConv3dNet : nn.Module<Tensor, Tensor>, ICamModel
{
    public readonly Conv3d conv1, conv2;
    public readonly Linear fc;

    public TinyConv3dNet(int width = 4, int classes = 3, int seed = 1, ScalarType dtype = ScalarType.Float32)
        : base(nameof(TinyConv3dNet))
    {
        manual_seed(seed);
        conv1 = nn.Conv3d(3, width, 3, padding: 1);
        conv2 = nn.Conv3d(width, width, (3, 3, 3), stride: (1, 2, 2), padding: (1, 1, 1));
        fc = nn.Linear(width, classes);
        RegisterComponents();
        this.to(dtype);
    }

    public Tensor Conv1(Tensor x) => conv1.call(x).relu();

    /// <summary>Everything after conv1's activation: the part the finite-difference test perturbs.</summary>
    public Tensor HeadFromConv1(Tensor a1) => HeadFromConv2(conv2.call(a1).relu());

    public Tensor HeadFromConv2(Tensor a2) => fc.call(a2.mean([2, 3, 4])); // [B,C,t,h,w] -> [B,C] -> [B,K]

    public override Tensor forward(Tensor x) => HeadFromConv1(Conv1(x));

    public CamForward Forward(Tensor input, string layer)
    {
        var a1 = Conv1(input);
        var a2 = conv2.call(a1).relu();
        var logits = HeadFromConv2(a2);
        var act = layer switch { "conv1" => a1, "conv2" => a2, _ => throw new ArgumentException(layer) };
        return new CamForward(new Dictionary<string, Tensor> { ["logits"] = logits }, act, ActivationLayout.Volume,
            (int)input.shape[2], ((int)input.shape[2], (int)input.shape[3], (int)input.shape[4]));
    }
}

/// <summary>A tiny per-frame CNN + LSTM: features = ReLU(conv(frame)) [B*T,C,h,w] (clip-major, time-minor), average
/// pooled per frame, an LSTM over time, fc on the last hidden state. Layer "features".
/// <see cref="MakeMonotone"/> sets weights so the class-0 logit increases with every feature of every frame and a
/// black frame has all-zero features: evidence in frame k then puts all map energy in frame k, provably.</summary>
public sealed class TinyCnnLstm : nn.Module<Tensor, Tensor>, ICamModel
{
    public readonly Conv2d conv;
    public readonly LSTM lstm;
    public readonly Linear fc;

    public TinyCnnLstm(int width = 4, int hidden = 5, int classes = 2, int seed = 2) : base(nameof(TinyCnnLstm))
    {
        manual_seed(seed);
        conv = nn.Conv2d(3, width, 3, padding: 1, bias: false);
        lstm = nn.LSTM(width, hidden, batchFirst: true);
        fc = nn.Linear(hidden, classes);
        RegisterComponents();
    }

    public TinyCnnLstm MakeMonotone()
    {
        using var _ = no_grad();
        conv.weight!.abs_().add_(0.01);
        foreach (var (name, p) in lstm.named_parameters())
        {
            if (name.StartsWith("weight_ih")) p.abs_().add_(0.1);
            else p.zero_(); // weight_hh = 0, biases = 0
        }
        fc.weight!.abs_().add_(0.1);
        return this;
    }

    Tensor Features(Tensor clips) // [B,3,T,H,W] -> [B*T,3,H,W] -> [B*T,C,H,W]
    {
        long b = clips.shape[0], t = clips.shape[2];
        var frames = clips.permute(0, 2, 1, 3, 4).reshape(b * t, clips.shape[1], clips.shape[3], clips.shape[4]);
        return conv.call(frames).relu();
    }

    Tensor Head(Tensor features, long b, long t)
    {
        var perFrame = features.mean([2, 3]).reshape(b, t, -1);     // [B*T,C,h,w] -> [B,T,C]
        var (output, _, _) = lstm.call(perFrame);                    // [B,T,hidden]
        return fc.call(output.select(1, -1));                            // [B,K]
    }

    public override Tensor forward(Tensor x) => Head(Features(x), x.shape[0], x.shape[2]);

    public CamForward Forward(Tensor input, string layer)
    {
        if (layer != "features") throw new ArgumentException(layer);
        var features = Features(input);
        var logits = Head(features, input.shape[0], input.shape[2]);
        int T = (int)input.shape[2];
        return new CamForward(new Dictionary<string, Tensor> { ["logits"] = logits }, features,
            ActivationLayout.Framewise,
            T, (T, (int)input.shape[3], (int)input.shape[4]));
    }
}

/// <summary>A tiny image regressor: conv (stride 2) -> ReLU -> pool -> fc to a 6-dof "pose"; "loss" is the per-sample
/// squared error to a fixed pose. Images [B,3,H,W]; layer "conv" [B,C,H/2,W/2].</summary>
public sealed class TinyImageRegressor : nn.Module<Tensor, Tensor>, ICamModel
{
    public readonly Conv2d conv;
    public readonly Linear fc;

    public TinyImageRegressor(int width = 4, int seed = 3) : base(nameof(TinyImageRegressor))
    {
        manual_seed(seed);
        conv = nn.Conv2d(3, width, 3, stride: 2, padding: 1);
        fc = nn.Linear(width, 6);
        RegisterComponents();
    }

    public override Tensor forward(Tensor x) => fc.call(conv.call(x).relu().mean([2, 3]));

    public CamForward Forward(Tensor input, string layer)
    {
        var a = conv.call(input).relu();
        var pose = fc.call(a.mean([2, 3]));                           // [B,6]
        var loss = (pose - 0.5).pow(2).sum(1);                          // [B]
        return new CamForward(new Dictionary<string, Tensor> { ["pose"] = pose, ["loss"] = loss }, a,
            ActivationLayout.Image,
            1, (1, (int)input.shape[2], (int)input.shape[3]));
    }
}
