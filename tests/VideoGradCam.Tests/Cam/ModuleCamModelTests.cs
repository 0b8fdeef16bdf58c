using System.Reflection;
using TorchSharp;
using VideoGradCam.Cam;
using VideoGradCam.Models;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Tests.Odometry;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

/// <summary>The generic path: any nn.Module and a layer name, its activation captured by a forward hook.</summary>
public class ModuleCamModelTests(ITestOutputHelper output)
{
    static nn.Module<Tensor, Tensor> Resnet18(int seed = 11)
    {
        manual_seed(seed);
        var model = torchvision.models.resnet18(num_classes: 10);
        model.eval();
        return model;
    }

    static nn.Module<Tensor, Tensor> Child(nn.Module model, string name) =>
        (nn.Module<Tensor, Tensor>)model.named_children().Single(c => c.name == name).module;

    [Fact]
    public void GradCamAtLayer4OfTorchVisionResnet18MatchesTheFormulaByHand()
    {
        var model = Resnet18();
        // A generator of its own: the global one is shared with tests running in parallel.
        using var images = randn([2, 3, 96, 128], generator: new Generator(3));
        int target;
        // sample 0's predicted class: its map is not flat
        using (no_grad()) target = (int)model.call(images)[0].argmax().item<long>();
        using var result = GradCam.For(model, "layer4").Explain(images, target);

        using var scope = NewDisposeScope();
        // The same network by hand, its pieces taken by name, layer4's output kept: A = layer4(...), y =
        // fc(avgpool(A)).
        var x = images.detach().requires_grad_(true);
        foreach (var name in new[] { "conv1", "bn1", "relu", "maxpool", "layer1", "layer2", "layer3", "layer4" }) x =
            Child(model, name).call(x);
        var a = x;                                                                          // [B,512,3,4]
        var y = Child(model, "fc").call(Child(model, "avgpool").call(a).flatten(1));        // [B,10]
        var g = autograd.grad([y[.., target].sum()], [a])[0];
        // ReLU(Σ_k mean(∂y/∂A_k)·A_k): [B,1,3,4]
        var cam = (g.mean([2, 3], keepdim: true) * a).sum(1, keepdim: true).relu();
        var up = nn.functional.interpolate(cam, [96, 128], mode: InterpolationMode.Bilinear, align_corners: false);
        var lo = up.amin([1, 2, 3], keepdim: true); var hi = up.amax([1, 2, 3], keepdim: true);
        // [B,H,W]; a flat map is all zeros
        var expected = where(hi > lo, (up - lo) / (hi - lo), zeros_like(up))[.., 0].detach();
        Assert.True((hi > lo)[0].all().item<bool>(), "sample 0's map is flat: nothing is compared");

        Assert.Equal(new long[] { 2, 1, 96, 128 }, result.Maps.shape);
        Assert.Equal(new long[] { 2, 1, 3, 4 }, result.RawMaps.shape);
        double diff = (result.Maps[.., 0] - expected).abs().max().item<float>();
        output.WriteLine($"max |generic - by hand| = {diff:E2}");
        Assert.True(diff < 1e-5, $"maps differ by {diff}");
        Assert.True(allclose(result.Outputs["logits"], y.detach(), 1e-5, 1e-5));
    }

    [Fact]
    public void HooksLeaveNoLiveTensorsAndNoRegisteredHookAfterAThousandCalls()
    {
        var model = Resnet18();
        var cam = GradCam.For(model, "layer4.1.conv2");
        using var image = randn(1, 3, 32, 32);
        for (int i = 0; i < 5; i++) { using var warm = cam.Explain(image, 1); }
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (int i = 0; i < 1000; i++)
        {
            using var r = cam.With(i % 2 == 0 ? CamMethod.GradCam : CamMethod.LayerCam).Explain(image, i % 10);
        }
        long after = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        output.WriteLine($"live tensors before {before}, after {after}");
        Assert.Equal(before, after);
        Assert.Equal(0, RegisteredHooks(model));
    }

    [Fact]
    public void AHookIsRemovedEvenWhenTheForwardPassThrows()
    {
        var model = Resnet18();
        var cam = GradCam.For(model, "layer3");
        using var wrongChannels = randn(1, 5, 32, 32);
        Assert.ThrowsAny<Exception>(() => cam.Explain(wrongChannels, 0));
        Assert.Equal(0, RegisteredHooks(model));
    }

    /// <summary>Forward hooks still registered anywhere in the model (TorchSharp keeps them in protected dictionaries);
    /// the convolution guard's pre-hooks (<see cref="VideoGradCam.Runtime.ConvolutionGuard.Prepare{T}"/>) are not the
    /// engine's.</summary>
    static int RegisteredHooks(nn.Module model) =>
        model.modules().Sum(m =>
        {
            int n = 0;
            for (var t = m.GetType(); t is not null; t = t.BaseType)
                foreach (var f in t.GetFields(BindingFlags.Instance | BindingFlags.NonPublic
                    | BindingFlags.DeclaredOnly))
                    if (f.Name.EndsWith("hooks", StringComparison.Ordinal)
                        && !f.Name.Contains("pre", StringComparison.Ordinal)
                        && f.GetValue(m) is System.Collections.ICollection c) n += c.Count;
            return n;
        });

    [Fact]
    public void AWrongLayerNameListsTheNearestValidNames()
    {
        var model = Resnet18();
        var e = Assert.Throws<ArgumentException>(() => GradCam.For(model, "layer4.1.cov2"));
        output.WriteLine(e.Message);
        Assert.Contains("layer4.1.conv2", e.Message);
        var prefix = Assert.Throws<ArgumentException>(() => GradCam.For(model, "layer"));
        Assert.Contains("layer1", prefix.Message);
    }

    [Fact]
    public void LayoutIsInferredFromTheActivationAndTheInput()
    {
        using var image = zeros(2, 3, 16, 16);
        using var clip = zeros(new long[] { 2, 3, 4, 16, 16 });       // [B,C,T,H,W]
        using var clipTimeFirst = zeros(new long[] { 2, 4, 3, 16, 16 }); // [B,T,C,H,W]
        Assert.Equal((ActivationLayout.Image, 1, (1, 16, 16)), ModuleCamModel.InferLayout(image, zeros(2, 8, 4, 4)));
        Assert.Equal((ActivationLayout.Volume, 4, (4, 16, 16)),
            ModuleCamModel.InferLayout(clip, zeros(new long[] { 2, 8, 2, 4, 4 })));
        Assert.Equal((ActivationLayout.Volume, 4, (4, 16, 16)),
            ModuleCamModel.InferLayout(clipTimeFirst, zeros(new long[] { 2, 8, 2, 4, 4 }), timeAxis: 1));
        Assert.Equal((ActivationLayout.Framewise, 4, (4, 16, 16)), ModuleCamModel.InferLayout(clip, zeros(8, 8, 4, 4)));
        Assert.Equal((ActivationLayout.Framewise, 4, (4, 16, 16)),
            ModuleCamModel.InferLayout(clipTimeFirst, zeros(8, 8, 4, 4)));
        Assert.Equal((ActivationLayout.Image, 1, (1, 16, 16)), ModuleCamModel.InferLayout(clip, zeros(2, 8, 4, 4)));
        Assert.Throws<ArgumentException>(() => ModuleCamModel.InferLayout(image, zeros(2, 8)));
        Assert.Equal(ActivationLayout.Framewise,
            ModuleCamModel.InferLayout(clip, zeros(8, 8, 4, 4), ActivationLayout.Framewise).Layout);
    }

    // Item 2 of the issue: the generic hook path gives the same maps as the workspace's adapters, for every method and
    // weighting.
    static readonly CamMethod[] Methods = Enum.GetValues<CamMethod>();
    static readonly TemporalWeighting[] Weightings = Enum.GetValues<TemporalWeighting>();

    static void AssertSameMaps(ICamModel adapter, ICamModel generic, Tensor input, IReadOnlyList<ICamTarget> targets,
        string adapterLayer, string genericLayer)
    {
        foreach (var method in Methods)
            foreach (var weighting in Weightings)
            {
                using var a = new CamEngine(adapter, method, weighting).Explain(input, targets, adapterLayer);
                using var g = new CamEngine(generic, method, weighting).Explain(input, targets, genericLayer);
                Assert.Equal(a.Maps.shape, g.Maps.shape);
                double diff = (a.Maps - g.Maps).abs().max().item<float>();
                Assert.True(diff < 1e-5, $"{method} {weighting} at {adapterLayer}: maps differ by {diff}");
                Assert.True(allclose(a.RawMaps, g.RawMaps, 1e-5, 1e-6), $"{method} {weighting}: raw maps differ");
            }
    }

    [Theory]
    [InlineData("r3d18", "layer2")]
    [InlineData("r3d18", "layer4")]
    [InlineData("cnn-lstm", "backbone.layer2")]
    [InlineData("cnn-lstm-attention", "backbone.layer3")]
    public void TheGenericPathGivesTheAdaptersMapsForTheStudyClassifiers(string architecture, string layer)
    {
        manual_seed(4);
        var entry = ModelRegistry.Get(architecture);
        var classifier = entry.Create!(new VideoModelConfig(entry.Name, 3, Width: 8, HiddenSize: 8, AttentionSize: 4));
        manual_seed(5);
        using var clips = randn(new long[] { 2, 3, 4, 32, 32 });
        ICamTarget[] targets = [new ClassTarget(1), new ClassProbabilityTarget(2)];
        AssertSameMaps(classifier.AsCamModel(), new ModuleCamModel(classifier), clips, targets, layer, layer);
        Assert.Equal(0, RegisteredHooks(classifier));
    }

    [Fact]
    public void TheGenericPathGivesSfmLearnersMapsForTheLossAndAPoseComponent()
    {
        manual_seed(5);
        var dir = OdometryTestKit.TinyDataset(frames: 5);
        var frames = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 64, 24);
        var model = new SfmLearner(new SfmSettings(3, 64, 24));
        var snippet = frames.Snippet([2], 3);
        var adapter = SfmCamModel.For(model, snippet.Intrinsics);
        // The same outputs; the activation now comes from a hook on the layer named in named_modules().
        var generic = new ModuleCamModel([("pose", model.PoseNet), ("depth", model.DepthNet)],
            x => adapter.Forward(x, SfmCamModel.PoseLayer).Outputs);
        using var input = snippet.Stacked();
        foreach (var layer in SfmCamModel.Layers)
            foreach (ICamTarget target in new ICamTarget[] { new NegativeLossTarget(),
                new RegressionTarget("pose", SfmCamModel.PoseComponent(1, "tz"), -1) })
            {
                using var a = new CamEngine(adapter).Explain(input, [target], layer);
                using var g = new CamEngine(generic).Explain(input, [target], layer);
                double diff = (a.Maps - g.Maps).abs().max().item<float>();
                Assert.True(diff < 1e-5, $"{layer} {target}: maps differ by {diff}");
            }
    }

    [Fact]
    public void EveryTargetKindAndMethodRunsThroughTheFacade()
    {
        var model = Resnet18();
        using var image = randn(2, 3, 64, 64);
        ICamTarget[] targets =
        [
            new ClassTarget(3), new ClassProbabilityTarget(3), new RegressionTarget("logits", 5, -1),
            new NegativeLossTarget("logits"), new FunctionTarget((o, i) => o["logits"][i, ..2].sum()),
        ];
        foreach (var method in Methods)
            foreach (var target in targets)
            {
                using var r = GradCam.For(model, "layer3", method).Explain(image, target);
                Assert.Equal(new long[] { 2, 1, 64, 64 }, r.Maps.shape);
                Assert.False(r.Maps.isnan().any().item<bool>(), $"{method} {target}: NaN in the maps");
            }
    }

    /// <summary>A small 3D net of its own: Conv3d, ReLU, Conv3d, ReLU, pool, Linear (what notebook 07 explains on a
    /// clip).</summary>
    static nn.Module<Tensor, Tensor> Small3dNet() => nn.Sequential(
        ("conv1", nn.Conv3d(3, 8, 3, padding: 1)), ("relu1", nn.ReLU()),
        ("conv2", nn.Conv3d(8, 8, 3, stride: 2, padding: 1)), ("relu2", nn.ReLU()),
        ("pool", nn.AdaptiveAvgPool3d(1)), ("flat", nn.Flatten()), ("fc", nn.Linear(8, 4)));

    [Fact]
    public void APlainSequential3dNetGivesPerFrameMapsBothWeightings()
    {
        manual_seed(2);
        var net = Small3dNet();
        using var clip = randn(new long[] { 1, 3, 8, 32, 32 });
        foreach (var weighting in Weightings)
        {
            using var r = GradCam.For(net, "relu2", weighting: weighting).Explain(clip, 0);
            Assert.Equal(new long[] { 1, 8, 32, 32 }, r.Maps.shape);     // one map per input frame
            Assert.Equal(new long[] { 1, 4, 16, 16 }, r.RawMaps.shape);  // the layer's own t,h,w
            Assert.Equal(1.0, r.FrameImportance.sum().item<float>(), 4);
        }
    }
}
