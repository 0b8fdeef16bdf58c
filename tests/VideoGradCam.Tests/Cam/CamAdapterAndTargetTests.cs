using VideoGradCam.Cam;
using VideoGradCam.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

/// <summary>A fake classifier over the tiny models, to check the adapter the real models will go through.</summary>
sealed class FakeClassifier(ICamModel inner, string layer, bool framewise, bool attention) : IVideoClassifier
{
    public string Architecture => framewise ? "cnn-lstm" : "r3d18";
    public int NumClasses => 2;
    public IReadOnlyList<string> CamLayers => [layer];
    public string DefaultCamLayer => layer;
    public bool FramewiseActivations => framewise;

    public VideoForward Forward(Tensor clips, IReadOnlyCollection<string> keepLayers)
    {
        var f = inner.Forward(clips, layer);
        Tensor? att = attention ? ones(clips.shape[0], clips.shape[2]) / clips.shape[2] : null;
        return new VideoForward(f.Outputs["logits"], new Dictionary<string, Tensor> { [layer] = f.Activation }, att);
    }
}

public class CamAdapterAndTargetTests
{
    [Fact]
    public void VideoClassifierAdapterPicksTheLayoutAndPassesAttention()
    {
        using var scope = NewDisposeScope();
        var clips = randn(new long[] { 2, 3, 4, 8, 8 });
        var volume = new VideoClassifierCamModel(new FakeClassifier(new TinyConv3dNet(classes: 2), "conv2", framewise: false, attention: false));
        var framewise = new VideoClassifierCamModel(new FakeClassifier(new TinyCnnLstm(), "features", framewise: true, attention: true));
        using var rv = new CamEngine(volume).Explain(clips, [new ClassTarget(0), new ClassTarget(1)], "conv2");
        using var rf = new CamEngine(framewise, weighting: TemporalWeighting.TimeResolved).Explain(clips, [new ClassTarget(0), new ClassTarget(1)], "features");
        Assert.Equal(new long[] { 2, 4, 8, 8 }, rv.Maps.shape);
        Assert.Equal(new long[] { 2, 4, 8, 8 }, rf.Maps.shape);
        Assert.Equal(new long[] { 2, 4, 4, 4 }, rv.RawMaps.shape);
        Assert.Equal(new long[] { 2, 4, 4 }, rf.Weights.shape);          // [B,t,C] per frame
        Assert.False(rv.Outputs.ContainsKey("attention"));
        Assert.Equal(new long[] { 2, 4 }, rf.Outputs["attention"].shape);
        Assert.Throws<ArgumentException>(() => new CamEngine(volume).Explain(clips, [new ClassTarget(0), new ClassTarget(1)], "layer9"));
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
        using var up = engine.Explain(images, [new RegressionTarget("pose", 4), new RegressionTarget("pose", 1)], "conv");
        using var down = engine.Explain(images, [new RegressionTarget("pose", 4, -1), new RegressionTarget("pose", 1, -1)], "conv");
        Assert.True(up.Weights.allclose(-down.Weights, rtol: 1e-5, atol: 1e-8));
        Assert.Equal(new long[] { 2, 1, 12, 12 }, up.Maps.shape);
        Assert.Throws<ArgumentException>(() => engine.Explain(images, [new RegressionTarget("pose", 6), new RegressionTarget("pose", 0)], "conv"));
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
