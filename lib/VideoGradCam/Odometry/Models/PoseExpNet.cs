using VideoGradCam.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VideoGradCam.Odometry.Models;

/// <summary>What PoseExpNet returns: pose [B,N,6] (tx,ty,tz,rx,ry,rz; target -> reference i), the explainability
/// masks (finest first, each [B,N,h,w]; empty without the mask decoder).</summary>
public sealed record PoseOutput(Tensor Pose, Tensor[] Masks);

/// <summary>
/// SfMLearner's PoseNet with the optional explainability-mask decoder, as in the PyTorch port (models/PoseExpNet.py):
/// seven stride-2 convs on the channel-stacked snippet, a 1x1 pose_pred averaged over h,w and scaled by 0.01.
/// Field names are the port's state_dict keys (conv1.0.weight, pose_pred.weight, upconv5.0.weight,
/// predict_mask1.weight).
/// </summary>
public sealed class PoseExpNet : Module<Tensor, Tensor[], PoseOutput>
{
    static readonly int[] ConvPlanes = [16, 32, 64, 128, 256, 256, 256];
    static readonly int[] UpconvPlanes = [256, 128, 64, 32, 16];

    public int ReferenceCount { get; }
    public bool OutputExplainability { get; }

    readonly Sequential conv1, conv2, conv3, conv4, conv5, conv6, conv7;
    readonly Conv2d pose_pred;
    readonly Sequential? upconv5, upconv4, upconv3, upconv2, upconv1;
    readonly Conv2d? predict_mask4, predict_mask3, predict_mask2, predict_mask1;

    /// <summary>What the pose head's translation outputs are multiplied by: the port's 0.01 (as its rotations), or
    /// larger so that metre-sized steps are reachable in a short budget (recorded in <see cref="SfmSettings"/>).
    /// </summary>
    public double TranslationScale { get; init; } = 0.01;

    /// <summary>The scale of the forward translation (tz, along the optical axis) alone; null:
    /// <see cref="TranslationScale"/>. A larger forward scale lets a short run learn how far the camera drives without
    /// making sideways slides cheaper than turns.</summary>
    public double? ForwardTranslationScale { get; init; }

    public PoseExpNet(int referenceCount = 2, bool outputExplainability = false) : base(nameof(PoseExpNet))
    {
        if (referenceCount < 1) throw new ArgumentOutOfRangeException(nameof(referenceCount),
            "needs at least one reference frame");
        ReferenceCount = referenceCount;
        OutputExplainability = outputExplainability;
        var c = ConvPlanes;
        conv1 = Conv(3 * (1 + referenceCount), c[0], 7); conv2 = Conv(c[0], c[1], 5); conv3 = Conv(c[1], c[2], 3);
        conv4 = Conv(c[2], c[3], 3); conv5 = Conv(c[3], c[4], 3); conv6 = Conv(c[4], c[5], 3);
        conv7 = Conv(c[5], c[6], 3);
        pose_pred = Conv2d(c[6], 6 * referenceCount, 1);
        if (outputExplainability)
        {
            var u = UpconvPlanes;
            upconv5 = Upconv(c[4], u[0]); upconv4 = Upconv(u[0], u[1]); upconv3 = Upconv(u[1], u[2]);
            upconv2 = Upconv(u[2], u[3]); upconv1 = Upconv(u[3], u[4]);
            predict_mask4 = Conv2d(u[1], referenceCount, 3, padding: 1);
            predict_mask3 = Conv2d(u[2], referenceCount, 3, padding: 1);
            predict_mask2 = Conv2d(u[3], referenceCount, 3, padding: 1);
            predict_mask1 = Conv2d(u[4], referenceCount, 3, padding: 1);
        }
        RegisterComponents();
        ConvolutionGuard.Prepare(this);   // this machine's way of running convolutions right
        DispNetS.InitWeights(this);
    }

    static Sequential Conv(int cin, int cout, int k) =>
        Sequential(Conv2d(cin, cout, k, stride: 2, padding: (k - 1) / 2), ReLU());

    static Sequential Upconv(int cin, int cout) =>
        Sequential(ConvTranspose2d(cin, cout, 4, stride: 2, padding: 1), ReLU());

    static Tensor CropTo(Tensor x, Tensor reference) => x[.., .., ..(int)reference.shape[2], ..(int)reference.shape[3]];

    /// <summary>What each raw pose output is multiplied by, [1,N,6]: tx, ty by <see cref="TranslationScale"/>, tz by
    /// <see cref="ForwardTranslationScale"/> (or the same), the rotations by the port's 0.01.</summary>
    Tensor OutputScale(Device device)
    {
        double[] dof =
            [TranslationScale, TranslationScale, ForwardTranslationScale ?? TranslationScale, 0.01, 0.01, 0.01];
        var values = Enumerable.Range(0, ReferenceCount).SelectMany(_ => dof.Select(d => (float)d)).ToArray();
        return tensor(values, [1, ReferenceCount, 6], device: device);
    }

    /// <summary>target [B,3,H,W], references N x [B,3,H,W] -> pose [B,N,6] and masks.</summary>
    public override PoseOutput forward(Tensor target, Tensor[] references)
    {
        if (references.Length != ReferenceCount)
            throw new ArgumentException(
                $"PoseExpNet expects {ReferenceCount} reference frames, got {references.Length}.");
        var input = cat([target, .. references], 1);                 // [B,3(1+N),H,W]
        var c1 = conv1.call(input); var c2 = conv2.call(c1); var c3 = conv3.call(c2); var c4 = conv4.call(c3);
        var c5 = conv5.call(c4); var c6 = conv6.call(c5); var c7 = conv7.call(c6);
        var pose = pose_pred.call(c7).mean([3]).mean([2]);          // [B,6N]
        pose = pose.view(pose.shape[0], ReferenceCount, 6);          // [B,N,6]
        pose = pose * OutputScale(pose.device);                      // translation, rotation
        if (!OutputExplainability) return new PoseOutput(pose, []);
        var u5 = CropTo(upconv5!.call(c5), c4);
        var u4 = CropTo(upconv4!.call(u5), c3);
        var u3 = CropTo(upconv3!.call(u4), c2);
        var u2 = CropTo(upconv2!.call(u3), c1);
        var u1 = CropTo(upconv1!.call(u2), input);
        Tensor[] masks = [sigmoid(predict_mask1!.call(u1)), sigmoid(predict_mask2!.call(u2)),
                          sigmoid(predict_mask3!.call(u3)), sigmoid(predict_mask4!.call(u4))];
        return new PoseOutput(pose, training ? masks : [masks[0]]);
    }
}
