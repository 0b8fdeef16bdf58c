using VideoGradCam.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VideoGradCam.Models;

/// <summary>
/// torchvision's <c>r3d_18</c> (Tran et al., "A Closer Look at Spatiotemporal Convolutions", 2018), and its mixed
/// variant <c>mc3_18</c> (3D convolutions in the stem and layer1, then (1x3x3) spatial-only convolutions that keep
/// all T frames in time). Field names reproduce torchvision's state_dict keys (<c>stem.0.weight</c>,
/// <c>layer1.0.conv1.0.weight</c>, <c>layer2.0.downsample.0.weight</c>, <c>fc.weight</c>), so Kinetics-400 weights
/// (<c>r3d_18-b3b3357e.pth</c>, <c>mc3_18-a90a0ba3.pth</c>) load unchanged at width 64.
/// </summary>
public sealed class R3D18 : VideoClassifier
{
    readonly Sequential stem;
    readonly Sequential layer1, layer2, layer3, layer4;
    readonly AdaptiveAvgPool3d avgpool;
    readonly Linear fc;
    readonly VideoModelConfig _config;

    public R3D18(VideoModelConfig config) : base(config.Architecture)
    {
        _config = config;
        bool mixed = config.Architecture == ModelRegistry.MC318.Name;
        long w = config.Width;
        // stem: Conv3d(3, w, (3,7,7), stride (1,2,2), pad (1,3,3)) + BN + ReLU, no max-pool
        stem = Sequential(
            Conv3d(3, w, (3, 7, 7), stride: (1, 2, 2), padding: (1, 3, 3), bias: false),
            BatchNorm3d(w),
            ReLU(inplace: true));
        layer1 = MakeLayer(w, w, 1, spatialOnly: false);
        layer2 = MakeLayer(w, 2 * w, 2, spatialOnly: mixed);
        layer3 = MakeLayer(2 * w, 4 * w, 2, spatialOnly: mixed);
        layer4 = MakeLayer(4 * w, 8 * w, 2, spatialOnly: mixed);
        avgpool = AdaptiveAvgPool3d((1, 1, 1));
        fc = Linear(8 * w, config.NumClasses);
        RegisterComponents();
        ConvolutionGuard.Prepare(this);   // this machine's way of running convolutions right
        Init.ResNetDefaults(this);
    }

    public override VideoModelConfig Config => _config;

    static Sequential MakeLayer(long inPlanes, long planes, long stride, bool spatialOnly) =>
        Sequential(new BasicBlock3d(inPlanes, planes, stride, spatialOnly),
            new BasicBlock3d(planes, planes, 1, spatialOnly));

    /// <summary>Clips <c>[B,3,T,H,W]</c> -> logits <c>[B,K]</c>; no attention.</summary>
    public override VideoOutput Outputs(Tensor clips)
    {
        CheckClips(clips);
        var x = layer4.call(layer3.call(layer2.call(layer1.call(stem.call(clips)))));   // [B,8w,t,h,w]
        x = avgpool.call(x).flatten(1);                                                  // [B,8w]
        return new VideoOutput(fc.call(x), null);                                        // [B,K]
    }
}

/// <summary>torchvision's video <c>BasicBlock</c>: conv1 = (conv, BN, ReLU), conv2 = (conv, BN), identity or
/// downsample.</summary>
sealed class BasicBlock3d : nn.Module<Tensor, Tensor>
{
    readonly Sequential conv1, conv2;
    readonly Sequential? downsample;
    readonly ReLU relu;

    /// <param name="spatialOnly">mc3's <c>Conv3DNoTemporal</c>: kernel (1,3,3), stride (1,s,s); else
    /// <c>Conv3DSimple</c>: 3x3x3, stride s.</param>
    public BasicBlock3d(long inPlanes, long planes, long stride, bool spatialOnly) : base("BasicBlock")
    {
        var kernel = spatialOnly ? (1L, 3L, 3L) : (3L, 3L, 3L);
        var pad = spatialOnly ? (0L, 1L, 1L) : (1L, 1L, 1L);
        var s = spatialOnly ? (1L, stride, stride) : (stride, stride, stride);
        conv1 = Sequential(Conv3d(inPlanes, planes, kernel, stride: s, padding: pad, bias: false), BatchNorm3d(planes),
            ReLU(inplace: true));
        conv2 = Sequential(Conv3d(planes, planes, kernel, padding: pad, bias: false), BatchNorm3d(planes));
        relu = ReLU(inplace: true);
        if (stride != 1 || inPlanes != planes)
            downsample = Sequential(Conv3d(inPlanes, planes, (1, 1, 1), stride: s, bias: false), BatchNorm3d(planes));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var residual = downsample is null ? x : downsample.call(x);
        var y = conv2.call(conv1.call(x));
        return relu.call(y + residual);
    }
}
