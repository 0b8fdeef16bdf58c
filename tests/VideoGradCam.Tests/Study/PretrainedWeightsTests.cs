using TorchSharp;
using VideoGradCam.Models;
using VideoGradCam.Study;
using VideoGradCam.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Study;

public class PretrainedWeightsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("weights").FullName;
    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static readonly string[] Names = ["a", "b", "c"];

    [Fact]
    public void ImportedWeightsGiveTheSameLogitsThroughTheCheckpoint()
    {
        torch.manual_seed(1);
        using var original = VideoModels.Create(new VideoModelConfig("r3d18", 3, 8));
        var pth = Path.Combine(_dir, "r3d.pth");
        StateDictLoader.Save(original, pth);
        var ckpt = PretrainedWeights.Import("r3d18", pth, Path.Combine(_dir, "ckpt"), Names,
            DataSpec.Kinetics400 with { Frames = 4, Height = 32, Width = 32 }, width: 8);
        var loaded = Checkpoint.Load(ckpt);
        using var x = randn([1, 3, 4, 32, 32]);
        original.eval(); loaded.Model.eval();
        using var _ = no_grad();
        Assert.True(original.forward(x).allclose(loaded.Model.forward(x), 1e-5, 1e-6));
        Assert.Equal(Names, loaded.Info.ClassNames);
    }

    [Fact]
    public void WeightsOfAnotherArchitectureAreRefusedWithTheKeys()
    {
        using var other = VideoModels.Create(new VideoModelConfig("cnn-lstm", 3, 8, 16, 16));
        var pth = Path.Combine(_dir, "lstm.pth");
        StateDictLoader.Save(other, pth);
        var e = Assert.Throws<InvalidDataException>(
            () => PretrainedWeights.Import("r3d18", pth, Path.Combine(_dir, "ckpt"), Names, width: 8));
        Assert.Contains("stem.0.weight", (string)e.Data["details"]!);
        Assert.Contains(pth, e.Message);
    }

    /// <summary>Kinetics-400 weights explain a real-sized video (640x480, 10 s) the way torchvision's models were
    /// trained: 16 consecutive frames, 128x171 then a 112 centre crop; each window gets its page, which names its
    /// frames.</summary>
    [Fact]
    public void KineticsWeightsExplainARealSizedVideoInWindowsOfConsecutiveFrames()
    {
        torch.manual_seed(2);
        using var original = VideoModels.Create(new VideoModelConfig(ModelRegistry.R3D18.Name, 400, 8));
        var pth = Path.Combine(_dir, "kinetics.pth");
        StateDictLoader.Save(original, pth);
        var ckpt = PretrainedWeights.Import(ModelRegistry.R3D18.Name, pth, Path.Combine(_dir, "ckpt"), width: 8);
        Assert.Equal(DataSpec.Kinetics400Recipe, Checkpoint.ReadInfo(ckpt)
            .Data with { Mean = DataSpec.Kinetics400Recipe.Mean, Std = DataSpec.Kinetics400Recipe.Std });

        var video = Path.Combine(_dir, "walk.avi");
        using (var writer =
            new OpenCvSharp.VideoWriter(video, OpenCvSharp.FourCC.MJPG, 25, new OpenCvSharp.Size(640, 480)))
            for (int k = 0; k < 250; k++)
            {
                using var f = new OpenCvSharp.Mat(480, 640, OpenCvSharp.MatType.CV_8UC3, OpenCvSharp.Scalar.All(40));
                OpenCvSharp.Cv2.Circle(f, new OpenCvSharp.Point(100 + 2 * k, 240), 40, OpenCvSharp.Scalar.All(220), -1);
                writer.Write(f);
            }
        var output = Path.Combine(_dir, "explained");
        var stdout = new StringWriter();
        var console = Console.Out;
        Console.SetOut(stdout);                                              // the verbs print to the console
        try { Assert.Equal(0, VideoGradCam.Commands.Cli.Run(
            ["explain", "--checkpoint", ckpt, "--video", video, "--windows", "2", "--out", output], stdout)); }
        finally { Console.SetOut(console); }
        var said = stdout.ToString();
        Assert.Contains("layer layer2 (the checkpoint's study layer", said);
        Assert.Contains("target predicted (the predicted class, the default", said);
        Assert.Contains("frames resized to 171x128, centre crop 112x112, 16 consecutive frames (stride 1)", said);
        // window 1 of 2: centred on the first half (frame 62)
        Assert.Contains("frames 54–69:", said);
        Assert.Contains("frames 180–195:", said);                           // window 2: centred on frame 187
        // 400 classes: p has digits that differ from zero
        Assert.Matches(@"p=(0\.\d{3}|\d\.\d\de-\d)\)", said);
        var pages = Directory.GetFiles(output, "*.html").Order().ToArray();
        Assert.Equal(2, pages.Length);
        Assert.Contains("frames 54–69 (consecutive, stride 1), window 1 of 2", File.ReadAllText(pages[0]));
    }
}
