using System.Text.Json.Nodes;
using TorchSharp;
using VideoGradCam.Cam;
using VideoGradCam.Odometry.Metrics;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Study.Pipeline;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Study;

/// <summary>What the notebooks' lessons call: the frames of the Grad-CAM-by-hand notebook, a map against true depth,
/// a claim found and printed, charts named after their titles, and notebooks that need ground truth.</summary>
[Collection(SeededCollection.Name)]
public class LessonTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("lesson").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static nn.Module<Tensor, Tensor> FrameNet(int classes) => nn.Sequential(
        ("conv1", nn.Conv2d(3, 8, 3, padding: 1)), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
        ("conv2", nn.Conv2d(8, 8, 3, padding: 1)), ("relu2", nn.ReLU()),
        ("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(8, classes)));

    [Fact]
    public void FrameExamplesKeepOnlyActionFramesAndTheirMasksAndHoldOutTheTestClips()
    {
        var data = Path.Combine(_dir, "data");
        SyntheticActions.Generate(data, new SyntheticActionSettings
            { Classes = ["clap", "wave", "smile"], ClipsPerClass = 5, Frames = 8, Size = 32 });
        using var examples = FrameExamples.Load(data, ["clap", "wave"], size: 32, frames: 8);
        long n = examples.Frames.shape[0];
        Assert.Equal([n, 3, 32, 32], examples.Frames.shape);
        Assert.Equal([n, 32, 32], examples.Masks.shape);
        Assert.Equal(["clap", "wave"], examples.ClassNames);
        Assert.InRange(examples.Train, 1, (int)n - 1);
        // every kept frame lies in its action window, so each carries evidence
        for (int i = 0; i < n; i++) Assert.True(examples.Masks[i].sum().item<float>() > 0, $"frame {i} has no mask");
        Assert.InRange(examples.Frames.min().item<float>(), 0f, 1f);
        Assert.InRange(examples.Frames.max().item<float>(), 0f, 1f);

        Seeds.Set(7);
        var net = FrameNet(2);
        var accuracy = examples.Fit(net, epochs: 2);
        Assert.InRange(accuracy, 0, 1);
        var (image, mask) = examples.HeldOut("wave");
        Assert.Equal([1, 3, 32, 32], image.shape);
        Assert.Equal([32, 32], mask.shape);
        Assert.Throws<ArgumentException>(() => examples.HeldOut("golf"));
    }

    [Fact]
    public void AFrameClassifiersGradCamByHandEqualsTheLibrarys()
    {
        Seeds.Set(7);
        var features = nn.Sequential(("conv1", nn.Conv2d(3, 8, 3, padding: 1)), ("relu1", nn.ReLU()),
            ("pool1", nn.MaxPool2d(2)), ("conv2", nn.Conv2d(8, 8, 3, padding: 1)), ("relu2", nn.ReLU()));
        var head = nn.Sequential(("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()), ("fc", nn.Linear(8, 3)));
        var net = nn.Sequential(("features", features), ("head", head));
        var image = rand(1, 3, 16, 16);
        var cam = GradCam.For(net, "features").Explain(image, new ClassTarget(1));
        // by hand: the activation, the head on it, autograd.grad to the activation only
        var a = features.call(image);
        var g = autograd.grad([head.call(a)[0, 1]], [a])[0];
        var raw = (g.mean([2, 3], keepdim: true) * a).sum(1).relu();
        var up = nn.functional.interpolate(raw.unsqueeze(1), [16, 16], mode: InterpolationMode.Bilinear,
            align_corners: false)[0, 0];
        var byHand = (up - up.min()) / (up.max() - up.min());
        Assert.True((byHand - cam.Maps[0, 0]).abs().max().item<float>() < 1e-5f);
    }

    [Fact]
    public void MapDepthWeighsTheTrueDepthByTheMapAndCountsTheSkyApart()
    {
        var depth = new float[,] { { 0, 0 }, { 2, 10 } };                         // top row: sky
        var nearMap = new float[,] { { 1, 0 }, { 3, 0 } };
        var d = MapDepth.Of(nearMap, depth);
        Assert.Equal(0.25, d.SkyShare, 6);
        Assert.Equal(2.0, d.MapMeanDepth, 6);
        Assert.Equal(6.0, d.FrameMeanDepth, 6);
        Assert.True(double.IsNaN(MapDepth.Of(new float[2, 2], depth).SkyShare));
        Assert.Throws<ArgumentException>(() => MapDepth.Of(new float[,] { { float.NaN, 0 }, { 0, 0 } }, depth));
        Assert.Throws<ArgumentException>(() => MapDepth.Of(new float[1, 2], depth));
    }

    [Fact]
    public void AClaimIsFoundByItsWordsAndPrintedWithItsVerdictAndRule()
    {
        var claims = new List<Claim>
        {
            new("Attention weights are high on the relevant frames", "m", "mass 70%", "holds if ...", "holds")
                { Cases = "35 test clips per model" },
        };
        var claim = claims.About("attention WEIGHTS");
        Assert.Equal(
            "The study: Attention weights are high on the relevant frames.\n" +
            "Our verdict: holds (35 test clips per model): mass 70%.\nRule: holds if ...", claim.Summary());
        var e = Assert.Throws<ArgumentException>(() => claims.About("odometry"));
        Assert.Contains("Attention weights are high", e.Message);
    }

    [Fact]
    public void ChartsAreNamedAfterTheirTitles()
    {
        var json = "{\"data\":[],\"layout\":{\"title\":{\"text\":\"R3D-18: <b>per-frame</b><br>importance\"}}}";
        Assert.Equal("R3D-18: per-frame importance", NotebookChartHtml.Title(json));
        Assert.Equal("r3d-18-per-frame-importance", NotebookChartHtml.FileName(NotebookChartHtml.Title(json), 3));
        Assert.Null(NotebookChartHtml.Title("{\"data\":[],\"layout\":{}}"));
        Assert.Equal("figure-3", NotebookChartHtml.FileName(null, 3));
        Assert.True(NotebookChartHtml.FileName(new string('a', 200), 0).Length <= 80);
    }

    [Fact]
    public void TheNotebooksThatTeachOnGroundTruthSaySo()
    {
        var needs = NotebookRunner.All().Where(NotebookRunner.NeedsGroundTruth).Select(Path.GetFileName).ToList();
        Assert.Equal(["01-frames-and-data.ipynb", "02-gradcam-by-hand.ipynb", "03-train-video-classifiers.ipynb",
            "04-gradcam-on-video.ipynb"], needs);
        var plain = Path.Combine(_dir, "x.ipynb");
        File.WriteAllText(plain, new JsonObject { ["metadata"] = new JsonObject(), ["cells"] = new JsonArray() }
            .ToJsonString());
        Assert.False(NotebookRunner.NeedsGroundTruth(plain));
    }
}
