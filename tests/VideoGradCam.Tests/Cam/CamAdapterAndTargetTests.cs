using VideoGradCam.Cam;
using VideoGradCam.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

public class CamAdapterAndTargetTests
{
    [Fact]
    public void ANonFiniteMapIsRefusedNamingTheLayerNeverReturned()
    {
        using var scope = NewDisposeScope();
        var model = nn.Sequential(("conv", nn.Conv2d(3, 4, 3)), ("relu", nn.ReLU()),
            ("pool", nn.AdaptiveAvgPool2d(1)), ("flat", nn.Flatten()), ("fc", nn.Linear(4, 2)));
        var image = rand(new long[] { 1, 3, 16, 16 });
        image[0, 0, 5, 5] = tensor(float.NaN);                               // one NaN pixel reaches the activation
        var e = Assert.Throws<ArithmeticException>(() => GradCam.For(model, "conv").Explain(image, 0));
        Assert.Contains("layer 'conv'", e.Message);
        Assert.Contains("not finite", e.Message);
        using var finite = GradCam.For(model, "conv").Explain(rand(new long[] { 1, 3, 16, 16 }), 0);
        Assert.True(finite.Maps.isfinite().all().item<bool>());
    }

    [Fact]
    public void AClassifiersCamModelPicksTheLayoutAndPassesAttention()
    {
        using var scope = NewDisposeScope();
        var clips = randn(new long[] { 2, 3, 4, 32, 32 });
        var config = new VideoModelConfig("r3d18", 2, Width: 4, HiddenSize: 8, AttentionSize: 4);
        var volume = VideoModels.Create(config).AsCamModel();
        var framewise = VideoModels.Create(config with { Architecture = "cnn-lstm-attention" }).AsCamModel();
        using var rv = new CamEngine(volume).Explain(clips, [new ClassTarget(0), new ClassTarget(1)], "layer2");
        using var rf = new CamEngine(framewise, weighting: TemporalWeighting.TimeResolved)
            .Explain(clips, [new ClassTarget(0), new ClassTarget(1)], "backbone.layer2");
        Assert.Equal(new long[] { 2, 4, 32, 32 }, rv.Maps.shape);
        Assert.Equal(new long[] { 2, 4, 32, 32 }, rf.Maps.shape);
        Assert.Equal(new long[] { 2, 2, 8, 8 }, rv.RawMaps.shape);          // layer2: time halved, space a quarter
        Assert.Equal(new long[] { 2, 4, 8 }, rf.Weights.shape);              // [B,t,C] per frame
        Assert.False(rv.Outputs.ContainsKey("attention"));
        Assert.Equal(new long[] { 2, 4 }, rf.Outputs["attention"].shape);
        var e = Assert.Throws<ArgumentException>(() => new CamEngine(volume).Explain(clips, null, "layer9"));
        Assert.Contains("layer4", e.Message);                               // the nearest names
    }

    [Fact]
    public void WithoutATargetEachSampleIsExplainedForItsPredictedClassFromTheSamePass()
    {
        using var scope = NewDisposeScope();
        manual_seed(2);
        var model = new TinyConv3dNet(classes: 3);
        var clips = randn(new long[] { 3, 3, 4, 8, 8 });
        var cam = new ModuleCamModel(model);
        using var byDefault = new CamEngine(cam).Explain(clips, null, "conv2");
        var predicted = byDefault.Outputs["logits"].argmax(1).data<long>().ToArray();
        Assert.Equal(predicted.Select(k => (ICamTarget)new ClassTarget((int)k)), byDefault.Targets);
        using var given = new CamEngine(cam)
            .Explain(clips, predicted.Select(k => (ICamTarget)new ClassTarget((int)k)).ToList(), "conv2");
        Assert.True(byDefault.Maps.allclose(given.Maps));
        var regression =
            new ModuleCamModel([("", model)], x => new Dictionary<string, Tensor> { ["pose"] = model.call(x) });
        var e = Assert.Throws<ArgumentException>(() => new CamEngine(regression).Explain(clips, null, "conv2"));
        Assert.Contains("give a target", e.Message);
    }

    [Fact]
    public void FrozenModelStillGetsMapsThroughAnInputThatRequiresGrad()
    {
        using var scope = NewDisposeScope();
        var model = new TinyConv3dNet();
        foreach (var p in model.parameters()) p.requires_grad_(false);
        var clips = randn(new long[] { 1, 3, 4, 8, 8 });
        using var r = new CamEngine(model).Explain(clips, [new ClassTarget(0)], "conv2");
        Assert.True(r.Maps.max().item<float>() > 0.99);
        Assert.False(clips.requires_grad);
    }

    [Fact]
    public void RegressionTargetSignNegatesTheWeights()
    {
        using var scope = NewDisposeScope();
        var model = new TinyImageRegressor();
        var images = randn(2, 3, 12, 12);
        var engine = new CamEngine(model);
        using var up =
            engine.Explain(images, [new RegressionTarget("pose", 4), new RegressionTarget("pose", 1)], "conv");
        using var down =
            engine.Explain(images, [new RegressionTarget("pose", 4, -1), new RegressionTarget("pose", 1, -1)], "conv");
        Assert.True(up.Weights.allclose(-down.Weights, rtol: 1e-5, atol: 1e-8));
        Assert.Equal(new long[] { 2, 1, 12, 12 }, up.Maps.shape);
        Assert.Throws<ArgumentException>(
            () => engine.Explain(images, [new RegressionTarget("pose", 6), new RegressionTarget("pose", 0)], "conv"));
    }

    [Fact]
    public void NegativeLossTargetIsTheNegatedLoss()
    {
        using var scope = NewDisposeScope();
        var model = new TinyImageRegressor();
        var images = randn(2, 3, 12, 12);
        var engine = new CamEngine(model);
        using var neg = engine.Explain(images, [new NegativeLossTarget(), new NegativeLossTarget()], "conv");
        ICamTarget Loss() => new FunctionTarget((o, s) => o["loss"][s]);
        using var pos = engine.Explain(images, [Loss(), Loss()], "conv");
        Assert.True(neg.Weights.allclose(-pos.Weights, rtol: 1e-5, atol: 1e-8));
        Assert.True(neg.Weights.abs().sum().item<float>() > 0);
    }
}
