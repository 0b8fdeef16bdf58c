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
        var ckpt = PretrainedWeights.Import("r3d18", pth, Path.Combine(_dir, "ckpt"), Names, DataSpec.Kinetics400 with { Frames = 4, Height = 32, Width = 32 }, width: 8);
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
        var e = Assert.Throws<InvalidDataException>(() => PretrainedWeights.Import("r3d18", pth, Path.Combine(_dir, "ckpt"), Names, width: 8));
        Assert.Contains("stem.0.weight", e.Message);
        Assert.Contains(pth, e.Message);
    }
}
