using TorchSharp;
using TorchSharp.PyBridge;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Odometry;

public class SfmModelTests
{
    static string[] Expected(string file) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", file)).Where(l => l.Length > 0).ToArray();

    [Fact]
    public void DispNetStateDictKeysEqualThePytorchPorts()
    {
        using var net = new DispNetS();
        Assert.Equal(Expected("sfmlearner_dispnets_keys.txt"), net.state_dict().Keys.ToArray());
    }

    [Fact]
    public void PoseNetStateDictKeysEqualThePytorchPorts()
    {
        using var plain = new PoseExpNet(2, outputExplainability: false);
        Assert.Equal(Expected("sfmlearner_posenet_keys.txt"), plain.state_dict().Keys.ToArray());
        using var withMask = new PoseExpNet(4, outputExplainability: true);
        Assert.Equal(Expected("sfmlearner_posexpnet_keys.txt"), withMask.state_dict().Keys.ToArray());
        // 3·(1+4) input channels
        Assert.Equal(new long[] { 16, 15, 7, 7 }, withMask.state_dict()["conv1.0.weight"].shape);
        Assert.Equal(new long[] { 24, 256, 1, 1 }, withMask.state_dict()["pose_pred.weight"].shape);
    }

    [Fact]
    public void ShapesFollowThePortAtEveryScale()
    {
        using var scope = NewDisposeScope();
        using var depth = new DispNetS();
        using var pose = new PoseExpNet(2, outputExplainability: true);
        var x = rand(2, 3, 24, 64);
        depth.train(true);
        var disps = depth.call(x);
        Assert.Equal(4, disps.Length);
        Assert.Equal(new long[] { 2, 1, 24, 64 }, disps[0].shape);
        Assert.Equal(new long[] { 2, 1, 12, 32 }, disps[1].shape);
        Assert.True(disps[0].min().item<float>() >= DispNetS.Beta && disps[0].max().item<float>() <= DispNetS.Alpha
            + DispNetS.Beta);
        depth.train(false);
        Assert.Single(depth.call(x));
        var p = pose.call(x, [x, x]);
        Assert.Equal(new long[] { 2, 2, 6 }, p.Pose.shape);
        Assert.Equal(new long[] { 2, 2, 24, 64 }, p.Masks[0].shape);
    }

    [Fact]
    public void PortWeightsWithOtherKeysFailListingThem()
    {
        var dir = OdometryTestKit.TempDir();
        var path = Path.Combine(dir, "pose.pth");
        using var plain = new PoseExpNet(2, outputExplainability: false);
        plain.save_py(path);
        using var same = new PoseExpNet(2, outputExplainability: false);
        SfmLearner.LoadPortWeights(same, path);
        Assert.True(
            same.state_dict()["pose_pred.weight"].allclose(plain.state_dict()["pose_pred.weight"], rtol: 0, atol: 0));
        using var withMask = new PoseExpNet(2, outputExplainability: true);
        var e = Assert.Throws<InvalidDataException>(() => SfmLearner.LoadPortWeights(withMask, path));
        Assert.Contains("Missing: [upconv5.0.weight", e.Message);
        Assert.Contains("pose.pth", e.Message);
    }

    [Fact]
    public void CheckpointRoundTripKeepsWeightsAndSettings()
    {
        var path = Path.Combine(OdometryTestKit.TempDir(), "sfm.ckpt");
        using var a = new SfmLearner(
            new SfmSettings(5, 64, 24, false, ["00"], [0, 0, 0.4, 0, 0.01, 0], new LossWeights(Smoothness: 0.004)));
        a.Save(path);
        using var b = SfmLearner.Load(path);
        Assert.Equal(5, b.Settings.SequenceLength);
        Assert.Equal(["00"], b.Settings.TrainSequences!);
        Assert.Equal(new LossWeights(Smoothness: 0.004), b.Settings.Loss);
        AssertSameWeights(a, b);
    }

    /// <summary>Both networks of <paramref name="b"/> hold exactly <paramref name="a"/>'s weights.</summary>
    static void AssertSameWeights(SfmLearner a, SfmLearner b)
    {
        foreach (var (x, y) in new (nn.Module, nn.Module)[] { (a.DepthNet, b.DepthNet), (a.PoseNet, b.PoseNet) })
        {
            var (sx, sy) = (x.state_dict(), y.state_dict());
            Assert.Equal(sx.Keys, sy.Keys);
            Assert.All(sx.Keys, k => Assert.True(sx[k].allclose(sy[k], rtol: 0, atol: 0), k));
        }
    }

    /// <summary>A checkpoint whose settings record fields this workspace no longer has (the recipe options removed
    /// after b1bf8a2: SSIM, scale centres, pose per frame, PoseNet width...) still loads: its weights, and the settings
    /// it shares with this workspace.</summary>
    [Fact]
    public void ACheckpointWithSettingsThisWorkspaceNoLongerHasStillLoads()
    {
        const string written = """
            {"SequenceLength":5,"Width":64,"Height":24,"Explainability":false,"TrainSequences":["00"],
            "MeanMotion":[0.0268,0,0.4024,0,0.0655,0],"Loss":{"Photometric":1,"Explainability":0,"Smoothness":0.004,
            "OverValidPixels":true,"CommonValidPixels":true,"Ssim":0,"UpsampledScales":false,"CentredScales":false,
            "SmoothDisparity":false,"MinimumReprojection":false,"DepthConsistency":0,"OutOfViewAsUnwarped":false},
            "TranslationScale":0.01,"ForwardTranslationScale":0.1,"ScaleByOffset":false,"ChainedSteps":false,
            "DepthWidth":0.5,"PoseWidth":1}
            """;
        var dir = OdometryTestKit.TempDir();
        var (current, old) = (Path.Combine(dir, "current.sfm"), Path.Combine(dir, "old.sfm"));
        using var a = new SfmLearner(new SfmSettings(5, 64, 24, DepthWidth: 0.5));
        a.Save(current);
        // the same file with the old settings' JSON: magic, settings, then both networks' weights
        using (var r = new BinaryReader(File.OpenRead(current)))
        using (var w = new BinaryWriter(File.Create(old)))
        {
            w.Write(r.ReadString());
            r.ReadString();
            w.Write(written.ReplaceLineEndings(""));
            r.BaseStream.CopyTo(w.BaseStream);
        }
        using var b = SfmLearner.Load(old);
        Assert.Equal(new SfmSettings(5, 64, 24, false, b.Settings.TrainSequences, b.Settings.MeanMotion,
            SfmTrainingOptions.StudyLoss, ForwardTranslationScale: 0.1, DepthWidth: 0.5), b.Settings);
        Assert.Equal(["00"], b.Settings.TrainSequences!);
        Assert.Equal(0.1, b.PoseNet.ForwardTranslationScale);
        AssertSameWeights(a, b);
    }

    /// <summary>--depth-width: a narrower DepthNet keeps the port's keys and output shapes, has about width² of its
    /// parameters, and a checkpoint rebuilds it at its width.</summary>
    [Fact]
    public void ANarrowerDepthNetKeepsThePortsKeysAndShapesAndRoundTrips()
    {
        using var scope = NewDisposeScope();
        static long Count(nn.Module m) => m.parameters().Sum(p => p.numel());
        using var port = new DispNetS();
        using var half = new DispNetS(width: 0.5);
        Assert.Equal(port.state_dict().Keys.ToArray(), half.state_dict().Keys.ToArray());
        Assert.Equal(new long[] { 16, 3, 7, 7 }, half.state_dict()["conv1.0.weight"].shape);
        // 1 disparity + 8 upconv channels
        Assert.Equal(new long[] { 8, 9, 3, 3 }, half.state_dict()["iconv1.0.weight"].shape);
        Assert.InRange(Count(half) / (double)Count(port), 0.23, 0.27);
        half.train(true);
        var disps = half.call(rand(2, 3, 24, 64));
        Assert.Equal(new long[] { 2, 1, 24, 64 }, disps[0].shape);
        Assert.Equal(new long[] { 2, 1, 3, 8 }, disps[3].shape);
        Assert.Throws<ArgumentOutOfRangeException>(() => new DispNetS(width: 0));

        var path = Path.Combine(OdometryTestKit.TempDir(), "narrow.sfm");
        using var a = new SfmLearner(new SfmSettings(5, 64, 24, DepthWidth: 0.5));
        a.Save(path);
        using var b = SfmLearner.Load(path);
        Assert.Equal(0.5, b.Settings.DepthWidth);
        Assert.Equal(new long[] { 16, 3, 7, 7 }, b.DepthNet.state_dict()["conv1.0.weight"].shape);
        Assert.True(a.DepthNet.state_dict()["conv2.0.weight"]
            .allclose(b.DepthNet.state_dict()["conv2.0.weight"], rtol: 0, atol: 0));
    }

    [Fact]
    public void AnInitialDepthStartsTheDepthNetNearThatDepth()
    {
        foreach (var depth in new[] { 0.5, 5.0, 20.0 })
        {
            double b = DispNetS.DisparityBias(depth);
            Assert.Equal(1 / depth, DispNetS.Alpha / (1 + Math.Exp(-b)) + DispNetS.Beta, 9);
        }
        Assert.Throws<ArgumentOutOfRangeException>(() => DispNetS.DisparityBias(0.05));
        Assert.Throws<ArgumentOutOfRangeException>(() => DispNetS.DisparityBias(200));
        using var scope = torch.NewDisposeScope();
        using var port = new DispNetS();
        using var five = new DispNetS(initialDepth: 5);
        port.eval(); five.eval();
        using var _ = torch.no_grad();
        // with the heads' weights at zero a head's output is its bias alone: every pixel then shows the start depth
        // (the heads' weights are random in a fresh net, so its depths scatter around that value)
        foreach (var net in new[] { port, five })
            foreach (var (name, p) in net.named_parameters())
                if (name.StartsWith("predict_disp") && name.EndsWith(".weight")) p.zero_();
        var image = torch.zeros(1, 3, 64, 208);
        var portDepth = 1 / port.call(image)[0];
        var fiveDepth = 1 / five.call(image)[0];
        Assert.True(portDepth.allclose(torch.full_like(portDepth, 1 / (DispNetS.Alpha / 2 + DispNetS.Beta)), rtol: 1e-5,
            atol: 0));
        Assert.True(fiveDepth.allclose(torch.full_like(fiveDepth, 5.0), rtol: 1e-5, atol: 0));
        // the same state_dict keys as the port
        Assert.Equal(port.state_dict().Keys.Order(), five.state_dict().Keys.Order());
        Assert.Equal(DispNetS.DisparityBias(5), five.state_dict()["predict_disp1.0.bias"][0].item<float>(), 5);
    }
}
