using VideoGradCam.Runtime;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace VideoGradCam.Odometry.Models;

/// <summary>
/// SfMLearner's DepthNet as in the PyTorch port (ClementPinard/SfmLearner-Pytorch, models/DispNetS.py): an encoder
/// of seven stride-2 stages, a decoder with skip connections and disparity heads at four scales;
/// disp = alpha·sigmoid(x) + beta. Field names are the port's state_dict keys (conv1.0.weight, iconv1.0.bias, ...).
/// </summary>
public sealed class DispNetS : Module<Tensor, Tensor[]>
{
    public const double Alpha = 10, Beta = 0.01;
    static readonly int[] ConvPlanes = [32, 64, 128, 256, 512, 512, 512];
    static readonly int[] UpconvPlanes = [512, 512, 256, 128, 64, 32, 16];

    readonly Sequential conv1, conv2, conv3, conv4, conv5, conv6, conv7;
    readonly Sequential upconv7, upconv6, upconv5, upconv4, upconv3, upconv2, upconv1;
    readonly Sequential iconv7, iconv6, iconv5, iconv4, iconv3, iconv2, iconv1;
    readonly Sequential predict_disp4, predict_disp3, predict_disp2, predict_disp1;


    /// <param name="initialDepth">Where the untrained net starts: null keeps the port's init (zero biases, so
    /// the heads start centred on disp = Alpha/2 + Beta, a depth of 0.2, with a spread from their random weights); a
    /// depth in metres sets the four disparity heads' biases so a fresh net predicts about that depth (see
    /// <see cref="DisparityBias"/>). Loaded weights overwrite either.</param>
    /// <param name="width">every layer's channels times this (1: the port's, whose weights load; 0.5: a quarter of the
    /// multiply-adds, for small synthetic frames). The state_dict keys stay the port's.</param>
    public DispNetS(double? initialDepth = null, double width = 1) : base(nameof(DispNetS))
    {
        if (!(width > 0 && width <= 4)) throw new ArgumentOutOfRangeException(nameof(width),
            $"A DepthNet width must lie in (0, 4] (got {width}).");
        Width = width;
        var c = Scaled(ConvPlanes, width); var u = Scaled(UpconvPlanes, width);
        conv1 = DownsampleConv(3, c[0], 7); conv2 = DownsampleConv(c[0], c[1], 5);
        conv3 = DownsampleConv(c[1], c[2], 3); conv4 = DownsampleConv(c[2], c[3], 3);
        conv5 = DownsampleConv(c[3], c[4], 3); conv6 = DownsampleConv(c[4], c[5], 3);
        conv7 = DownsampleConv(c[5], c[6], 3);
        upconv7 = Upconv(c[6], u[0]); upconv6 = Upconv(u[0], u[1]); upconv5 = Upconv(u[1], u[2]);
        upconv4 = Upconv(u[2], u[3]); upconv3 = Upconv(u[3], u[4]); upconv2 = Upconv(u[4], u[5]);
        upconv1 = Upconv(u[5], u[6]);
        iconv7 = Conv(u[0] + c[5], u[0]); iconv6 = Conv(u[1] + c[4], u[1]); iconv5 = Conv(u[2] + c[3], u[2]);
        iconv4 = Conv(u[3] + c[2], u[3]); iconv3 = Conv(1 + u[4] + c[1], u[4]);
        iconv2 = Conv(1 + u[5] + c[0], u[5]); iconv1 = Conv(1 + u[6], u[6]);
        predict_disp4 = PredictDisp(u[3]); predict_disp3 = PredictDisp(u[4]);
        predict_disp2 = PredictDisp(u[5]); predict_disp1 = PredictDisp(u[6]);
        RegisterComponents();
        ConvolutionGuard.Prepare(this);   // this machine's way of running convolutions right
        InitWeights(this);
        if (initialDepth is { } d)
        {
            using var _ = no_grad();
            foreach (var head in new[] { predict_disp1, predict_disp2, predict_disp3, predict_disp4 })
                ((Conv2d)head[0]).bias!.fill_(DisparityBias(d));
        }
    }

    /// <summary>The channel multiplier this net was built with (1: the port's).</summary>
    public double Width { get; }

    /// <summary>Channel counts times <paramref name="width"/>, at least 4 each.</summary>
    static int[] Scaled(int[] planes, double width) =>
        planes.Select(p => Math.Max(4, (int)Math.Round(p * width))).ToArray();

    /// <summary>The head bias b with Alpha·sigmoid(b) + Beta = 1/depth: the pre-activation that predicts
    /// <paramref name="depth"/> (metres, strictly between 1/(Alpha+Beta) and 1/Beta).</summary>
    public static double DisparityBias(double depth)
    {
        if (!IsReachableDepth(depth))
            throw new ArgumentOutOfRangeException(nameof(depth),
                $"An initial depth must lie between {1 / (Alpha + Beta):0.###} and {1 / Beta:0} (got {depth}).");
        double p = (1 / depth - Beta) / Alpha;
        return Math.Log(p / (1 - p));
    }

    /// <summary>Whether disp = Alpha·sigmoid(x) + Beta can express <paramref name="depth"/>: strictly between
    /// 1/(Alpha+Beta) and 1/Beta metres.</summary>
    static bool IsReachableDepth(double depth) => depth > 1 / (Alpha + Beta) && depth < 1 / Beta;

    static Sequential DownsampleConv(int cin, int cout, int k) => Sequential(
        Conv2d(cin, cout, k, stride: 2, padding: (k - 1) / 2), ReLU(),
        Conv2d(cout, cout, k, padding: (k - 1) / 2), ReLU());

    static Sequential Conv(int cin, int cout) => Sequential(Conv2d(cin, cout, 3, padding: 1), ReLU());

    static Sequential Upconv(int cin, int cout) =>
        Sequential(ConvTranspose2d(cin, cout, 3, stride: 2, padding: 1, output_padding: 1), ReLU());

    static Sequential PredictDisp(int cin) => Sequential(Conv2d(cin, 1, 3, padding: 1), Sigmoid());

    /// <summary>Xavier-uniform weights and zero biases, as the port's init_weights.</summary>
    internal static void InitWeights(Module root)
    {
        using var _ = no_grad();
        foreach (var (_, m) in root.named_modules())
        {
            if (m is Conv2d c) { init.xavier_uniform_(c.weight); if (c.bias is not null) init.zeros_(c.bias); }
            else if (m is ConvTranspose2d t) { init.xavier_uniform_(t.weight);
                if (t.bias is not null) init.zeros_(t.bias); }
        }
    }

    /// <summary>[B,C,h,w] cropped to ref's h,w.</summary>
    static Tensor CropLike(Tensor input, Tensor reference) =>
        input[.., .., ..(int)reference.shape[2], ..(int)reference.shape[3]];

    static Tensor Up2(Tensor disp, Tensor reference) =>
        CropLike(functional.interpolate(disp, scale_factor: [2.0, 2.0], mode: InterpolationMode.Bilinear,
            align_corners: false), reference);

    /// <summary>[B,3,H,W] image in [-1,1] -> disparities [B,1,H,W] (finest first): four scales in training, one in
    /// eval.</summary>
    public override Tensor[] forward(Tensor x)
    {
        var c1 = conv1.call(x); var c2 = conv2.call(c1); var c3 = conv3.call(c2); var c4 = conv4.call(c3);
        var c5 = conv5.call(c4); var c6 = conv6.call(c5); var c7 = conv7.call(c6);

        var i7 = iconv7.call(cat([CropLike(upconv7.call(c7), c6), c6], 1));
        var i6 = iconv6.call(cat([CropLike(upconv6.call(i7), c5), c5], 1));
        var i5 = iconv5.call(cat([CropLike(upconv5.call(i6), c4), c4], 1));
        var i4 = iconv4.call(cat([CropLike(upconv4.call(i5), c3), c3], 1));
        var disp4 = predict_disp4.call(i4) * Alpha + Beta;
        var i3 = iconv3.call(cat([CropLike(upconv3.call(i4), c2), c2, Up2(disp4, c2)], 1));
        var disp3 = predict_disp3.call(i3) * Alpha + Beta;
        var i2 = iconv2.call(cat([CropLike(upconv2.call(i3), c1), c1, Up2(disp3, c1)], 1));
        var disp2 = predict_disp2.call(i2) * Alpha + Beta;
        var i1 = iconv1.call(cat([CropLike(upconv1.call(i2), x), Up2(disp2, x)], 1));
        var disp1 = predict_disp1.call(i1) * Alpha + Beta;
        return training ? [disp1, disp2, disp3, disp4] : [disp1];
    }
}
