using TorchSharp;
using VideoGradCam.Cam;
using VideoGradCam.Models;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Models;

public class ModelArchitectureTests
{
    static string[] ExpectedKeys(string file) =>
        File.ReadAllLines(Path.Combine(AppContext.BaseDirectory, "TestData", file)).Where(l => l.Length > 0).ToArray();

    [Fact]
    public void R3D18StateDictKeysEqualTorchvisionR3d18()
    {
        using var model = VideoModels.Create("r3d18", 400, width: 8);
        var expected = ExpectedKeys("r3d_18_state_dict_keys.txt");
        Assert.Equal(expected.Order(StringComparer.Ordinal), model.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void R3D18AtFullWidthHasTorchvisionShapes()
    {
        using var model = VideoModels.Create("r3d18", 400);
        var shapes = StateDictLoader.Shapes(model);
        Assert.Equal([64L, 3, 3, 7, 7], shapes["stem.0.weight"]);
        Assert.Equal([64L, 64, 3, 3, 3], shapes["layer1.0.conv1.0.weight"]);
        Assert.Equal([128L, 64, 1, 1, 1], shapes["layer2.0.downsample.0.weight"]);
        Assert.Equal([512L, 256, 3, 3, 3], shapes["layer4.0.conv1.0.weight"]);
        Assert.Equal([400L, 512], shapes["fc.weight"]);
        long parameters = model.parameters().Sum(p => p.numel());
        Assert.Equal(33_371_472L, parameters); // torchvision: sum(p.numel() for p in r3d_18().parameters())
    }

    [Fact]
    public void MC318HasR3D18KeysAndSpatialOnlyKernelsAfterLayer1()
    {
        using var model = VideoModels.Create("mc3_18", 10, width: 8);
        Assert.Equal(ExpectedKeys("r3d_18_state_dict_keys.txt").Order(StringComparer.Ordinal),
            model.state_dict().Keys.Order(StringComparer.Ordinal));
        var shapes = StateDictLoader.Shapes(model);
        Assert.Equal([8L, 8, 3, 3, 3], shapes["layer1.0.conv1.0.weight"]);
        Assert.Equal([16L, 8, 1, 3, 3], shapes["layer2.0.conv1.0.weight"]);
    }

    [Fact]
    public void ResNet18StateDictKeysEqualTorchvisionResnet18()
    {
        using var model = new ResNet18(width: 8, numClasses: 1000);
        Assert.Equal(ExpectedKeys("resnet18_state_dict_keys.txt").Order(StringComparer.Ordinal),
            model.state_dict().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void ResNet18AtFullWidthHasTorchvisionParameterCount()
    {
        using var model = new ResNet18();
        Assert.Equal(11_689_512L, model.parameters().Sum(p => p.numel())); // torchvision resnet18
    }

    [Fact]
    public void CnnLstmBackboneKeysAreResnet18KeysWithoutFc()
    {
        using var model = VideoModels.Create("cnn-lstm-attention", 4, width: 8, hiddenSize: 16, attentionSize: 8);
        var backbone =
            model.state_dict().Keys.Where(k => k.StartsWith("backbone.")).Select(k => k["backbone.".Length..]);
        var expected = ExpectedKeys("resnet18_state_dict_keys.txt").Where(k => !k.StartsWith("fc."));
        Assert.Equal(expected.Order(StringComparer.Ordinal), backbone.Order(StringComparer.Ordinal));
        Assert.Contains("attention.W.weight", model.state_dict().Keys);
        Assert.Contains("attention.v.weight", model.state_dict().Keys);
        Assert.Contains("lstm.weight_ih_l0", model.state_dict().Keys);
    }

    [Theory]
    [InlineData("r3d18")]
    [InlineData("mc3_18")]
    [InlineData("cnn-lstm")]
    [InlineData("cnn-lstm-attention")]
    public void OutputsHaveDocumentedShapes(string architecture)
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(1);
        using var model = VideoModels.Create(architecture, 5, width: 8, hiddenSize: 16, attentionSize: 8);
        model.eval();
        var clips = randn([2, 3, 8, 32, 32]);
        var outcome = model.Outputs(clips);
        Assert.Equal([2L, 5], outcome.Logits.shape);
        if (ModelRegistry.Get(architecture).Temporal.IsRecurrent)
        {
            // [B*T, 8w, 32/32, 32/32]
            Assert.Equal([16L, 64, 1, 1], Activation(model, clips, "backbone.layer4").shape);
            Assert.Equal([16L, 8, 8, 8], Activation(model, clips, "backbone.layer1").shape);
        }
        else
        {
            long t = architecture == "mc3_18" ? 8 : 1;                     // r3d halves T in layers 2-4; mc3 keeps it
            Assert.Equal([2L, 64, t, 2, 2], Activation(model, clips, "layer4").shape);
            Assert.Equal([2L, 8, 8, 16, 16], Activation(model, clips, "stem").shape);
        }
        if (architecture == "cnn-lstm-attention") Assert.Equal([2L, 8], outcome.Attention!.shape);
        else Assert.Null(outcome.Attention);
        Assert.True(outcome.Logits.allclose(model.call(clips), 1e-5, 1e-6));
    }

    /// <summary>A layer's activation, tapped by a forward hook for one pass.</summary>
    static Tensor Activation(VideoClassifier model, Tensor clips, string layer) =>
        model.AsCamModel().Forward(clips, layer).Activation;

    [Fact]
    public void FramewiseActivationsAreClipMajorTimeMinor()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(2);
        using var model = VideoModels.Create("cnn-lstm", 3, width: 8, hiddenSize: 16);
        model.eval();
        var clips = randn([2, 3, 4, 32, 32]);
        var both = Activation(model, clips, "backbone.layer2");                                    // [8,16,4,4]
        // clip 1 alone: [4,16,4,4]
        var second = Activation(model, clips[1..2], "backbone.layer2");
        Assert.True(both[4..8].allclose(second, 1e-4, 1e-5));
        // clip 1, frame 2 alone
        var frame = clips[1..2, .., 2..3].contiguous();
        var single = Activation(model, frame, "backbone.layer2");
        Assert.True(both[6..7].allclose(single, 1e-4, 1e-5));
    }

    [Fact]
    public void AttentionWeightsArePositiveAndSumToOne()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(3);
        using var model = VideoModels.Create("cnn-lstm-attention", 3, width: 8, hiddenSize: 16, attentionSize: 8);
        var a = model.Outputs(randn([3, 3, 6, 32, 32])).Attention!;
        Assert.True(a.sum(1).allclose(ones(3), 1e-5, 1e-6));
        Assert.True(a.gt(0).all().item<bool>());
    }

    [Fact]
    public void UnknownLayerIsRejectedWithTheKnownLayers()
    {
        using var model = VideoModels.Create("r3d18", 2, width: 8);
        var e = Assert.Throws<ArgumentException>(() => model.AsCamModel().Forward(zeros([1, 3, 4, 32, 32]), "layer9"));
        Assert.Contains("layer4", e.Message);
    }

    [Fact]
    public void Kinetics400ClassesAreTheFourHundredInTorchvisionOrder()
    {
        var classes = VideoModels.Kinetics400Classes();
        Assert.Equal(400, classes.Count);
        Assert.Equal("abseiling", classes[0]);
        Assert.Equal("zumba", classes[^1]);
        Assert.Equal(400, classes.Distinct().Count());
        Assert.Equal("passing American football (in game)", classes[208]);
    }
}

public class CamAdapterTests
{
    [Fact]
    public void CamForwardGivesLayoutFramesAndAGradientToTheLayer()
    {
        using var scope = NewDisposeScope();
        torch.manual_seed(8);
        using var lstm = VideoModels.Create("cnn-lstm-attention", 3, width: 8, hiddenSize: 16, attentionSize: 8);
        var f = lstm.AsCamModel().Forward(randn([2, 3, 4, 32, 32]), "backbone.layer4");
        Assert.Equal(VideoGradCam.Cam.ActivationLayout.Framewise, f.Layout);
        Assert.Equal(4, f.Frames);
        Assert.Equal((4, 32, 32), f.InputSize);
        Assert.Equal([8L, 64, 1, 1], f.Activation.shape);
        Assert.True(f.Outputs.ContainsKey("attention"));
        var g = autograd.grad([f.Outputs["logits"][0, 1]], [f.Activation])[0];
        Assert.True(g[4..].abs().sum().item<float>() == 0);   // clip 0's score does not depend on clip 1's frames
        Assert.True(g[..4].abs().sum().item<float>() > 0);

        using var r3d = VideoModels.Create("r3d18", 3, width: 8);
        var v = r3d.AsCamModel().Forward(randn([1, 3, 4, 32, 32]), "layer3");
        Assert.Equal(VideoGradCam.Cam.ActivationLayout.Volume, v.Layout);
        Assert.Equal([1L, 32, 1, 4, 4], v.Activation.shape);
    }
}
