using TorchSharp;
using VideoGradCam.Models;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Runtime;
using VideoGradCam.Tests.Odometry;
using VideoGradCam.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Training;

[Collection(SeededCollection.Name)]
public sealed class NonFiniteCheckpointTests
{
    static readonly DataSpec Data = new(4, 32, 32, [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]);

    static string SaveClassifier(float poison)
    {
        var dir = TestTemp.Dir("nonfinite-checkpoint");
        var config = new VideoModelConfig("cnn-lstm", 2, 8, 16, 8);
        Seeds.Set(3);
        using var model = VideoModels.Create(config);
        using (no_grad()) model.state_dict()["fc.bias"][1] = poison;
        Checkpoint.SaveWeights(dir, model, Checkpoint.BestWeights);
        Checkpoint.SaveInfo(dir, new CheckpointInfo(config, ["a", "b"], Data, 1, 1, double.NaN, 1e-3, double.NaN, 0,
            TrainOptions.QuickCpu(1), new TrainHistory([])));
        return dir;
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    public void AClassifierCheckpointWithANonFiniteWeightIsRefusedNamingTheFileAndTheTensor(float poison)
    {
        var dir = SaveClassifier(poison);
        var e = Assert.Throws<NonFiniteException>(() => Checkpoint.Load(dir));
        var file = Path.Combine(dir, Checkpoint.BestWeights);
        Assert.StartsWith($"{file}: refused: its weights are not all finite ('fc.bias'", e.Message);
        Assert.Equal($"{Path.Combine(dir, Checkpoint.BestWeights)}: 'fc.bias' holds NaN or infinite values",
            Checkpoint.NonFiniteWeights(dir));
    }

    [Fact]
    public void AClassifierCheckpointWithFiniteWeightsLoads()
    {
        var dir = SaveClassifier(0.5f);
        Assert.Null(Checkpoint.NonFiniteWeights(dir));
        using var model = Checkpoint.Load(dir).Model;
        Assert.Equal(0.5f, model.state_dict()["fc.bias"][1].item<float>());
    }

    [Fact]
    public void AnSfmCheckpointWithANaNWeightIsRefusedNamingTheFileAndTheTensor()
    {
        var path = Path.Combine(OdometryTestKit.TempDir(), "nan.sfm");
        using (var model = new SfmLearner(new SfmSettings(3, 64, 24)))
        {
            model.Save(path);
            Assert.Null(SfmCheckpoint.NonFiniteWeights(path));
            var (key, tensor) = model.PoseNet.state_dict().First(kv => kv.Value.is_floating_point());
            using (no_grad()) tensor.view(-1)[0] = float.NaN;
            model.Save(path);
            var e = Assert.Throws<NonFiniteException>(() => SfmCheckpoint.Load(path));
            Assert.StartsWith($"{path}: refused: its weights are not all finite ('PoseNet.{key}'", e.Message);
        }
        Assert.StartsWith($"{path}: 'PoseNet.", SfmCheckpoint.NonFiniteWeights(path));
    }
}
