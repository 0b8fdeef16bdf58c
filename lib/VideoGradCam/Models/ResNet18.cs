using VideoGradCam.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VideoGradCam.Models;

/// <summary>
/// torchvision's 2D <c>resnet18</c> (He et al. 2016) with its state_dict keys (<c>conv1.weight</c>, <c>bn1.*</c>,
/// <c>layer1.0.conv1.weight</c>, <c>layer2.0.downsample.0.weight</c>, <c>fc.*</c>), so ImageNet weights
/// (<c>resnet18-f37072fd.pth</c>) load unchanged at width 64. Without classes it is a backbone (no <c>fc</c>).
/// </summary>
public sealed class ResNet18 : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1;
    readonly BatchNorm2d bn1;
    readonly ReLU relu;
    readonly MaxPool2d maxpool;
    readonly Sequential layer1, layer2, layer3, layer4;
    readonly AdaptiveAvgPool2d avgpool;
    readonly Linear? fc;

    public static readonly IReadOnlyList<string> Blocks = ["layer1", "layer2", "layer3", "layer4"];

    /// <param name="width">base channels (64 = torchvision).</param>
    /// <param name="numClasses">null: a backbone without <c>fc</c>.</param>
    public ResNet18(int width = 64, int? numClasses = 1000) : base("ResNet18")
    {
        long w = width;
        conv1 = Conv2d(3, w, 7, stride: 2, padding: 3, bias: false);
        bn1 = BatchNorm2d(w);
        relu = ReLU(inplace: true);
        maxpool = MaxPool2d(3, stride: 2, padding: 1);
        layer1 = Sequential(new BasicBlock2d(w, w, 1), new BasicBlock2d(w, w, 1));
        layer2 = Sequential(new BasicBlock2d(w, 2 * w, 2), new BasicBlock2d(2 * w, 2 * w, 1));
        layer3 = Sequential(new BasicBlock2d(2 * w, 4 * w, 2), new BasicBlock2d(4 * w, 4 * w, 1));
        layer4 = Sequential(new BasicBlock2d(4 * w, 8 * w, 2), new BasicBlock2d(8 * w, 8 * w, 1));
        avgpool = AdaptiveAvgPool2d(1);
        if (numClasses is { } k) fc = Linear(8 * w, k);
        FeatureSize = 8 * width;
        RegisterComponents();
        ConvolutionGuard.Prepare(this);   // this machine's way of running convolutions right
        Init.ResNetDefaults(this);
    }

    /// <summary>Channels of layer4 (= the pooled feature size): 8 x width.</summary>
    public int FeatureSize { get; }

    /// <summary>Images <c>[N,3,H,W]</c> through the blocks: layer4's activation <c>[N,8w,h,w]</c>.</summary>
    public Tensor Features(Tensor images)
    {
        var x = maxpool.call(relu.call(bn1.call(conv1.call(images))));   // [N,w,H/4,W/4]
        return layer4.call(layer3.call(layer2.call(layer1.call(x))));
    }

    /// <summary>Image classification <c>[N,3,H,W] -> [N,K]</c> (needs <c>fc</c>).</summary>
    public override Tensor forward(Tensor images)
    {
        if (fc is null) throw new InvalidOperationException("This ResNet18 is a backbone without fc: call Features.");
        var x = Features(images);
        return fc.call(avgpool.call(x).flatten(1));
    }
}

/// <summary>torchvision's 2D <c>BasicBlock</c>: conv1/bn1/relu, conv2/bn2, identity or downsample (1x1 conv +
/// BN).</summary>
sealed class BasicBlock2d : nn.Module<Tensor, Tensor>
{
    readonly Conv2d conv1, conv2;
    readonly BatchNorm2d bn1, bn2;
    readonly ReLU relu;
    readonly Sequential? downsample;

    public BasicBlock2d(long inPlanes, long planes, long stride) : base("BasicBlock")
    {
        conv1 = Conv2d(inPlanes, planes, 3, stride: stride, padding: 1, bias: false);
        bn1 = BatchNorm2d(planes);
        relu = ReLU(inplace: true);
        conv2 = Conv2d(planes, planes, 3, padding: 1, bias: false);
        bn2 = BatchNorm2d(planes);
        if (stride != 1 || inPlanes != planes)
            downsample = Sequential(Conv2d(inPlanes, planes, 1, stride: stride, bias: false), BatchNorm2d(planes));
        RegisterComponents();
    }

    public override Tensor forward(Tensor x)
    {
        var residual = downsample is null ? x : downsample.call(x);
        var y = relu.call(bn1.call(conv1.call(x)));
        y = bn2.call(conv2.call(y));
        return relu.call(y + residual);
    }
}
