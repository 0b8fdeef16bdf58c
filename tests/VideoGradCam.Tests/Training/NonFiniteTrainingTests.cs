using TorchSharp;
using VideoGradCam.Commands;
using VideoGradCam.Models;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;
using VideoGradCam.Runtime;
using VideoGradCam.Tests.Odometry;
using VideoGradCam.Training;
using VideoGradCam.Video;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Training;

[Collection(SeededCollection.Name)]
public sealed class NonFiniteTrainingTests
{
    static readonly DataSpec Data =
        new(TinyClips.Frames, TinyClips.Size, TinyClips.Size, [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]);

    /// <summary>Sets every parameter of the module to NaN: its output, so the loss, is NaN.</summary>
    static void Poison(nn.Module model)
    {
        using var _ = no_grad();
        foreach (var p in model.parameters()) p.fill_(float.NaN);
    }

    /// <summary>Files left by an earlier run, which a run that meets NaN must not leave behind.</summary>
    static void WriteEarlierFiles(params string[] paths)
    {
        foreach (var path in paths) File.WriteAllText(path, "from an earlier run");
    }

    [Fact]
    public void ClassifierTrainingStopsAtTheFirstNaNLossAndLeavesNoCheckpoint()
    {
        var dir = TestTemp.Dir("nonfinite-train");
        WriteEarlierFiles(Path.Combine(dir, Checkpoint.InfoFile), Path.Combine(dir, Checkpoint.BestWeights),
            Path.Combine(dir, Checkpoint.LastWeights), Path.Combine(dir, Checkpoint.OptimizerFile));
        Seeds.Set(11);
        using var model = VideoModels.Create("cnn-lstm", 2, width: 8, hiddenSize: 16, attentionSize: 8);
        Func<IEnumerable<VideoBatch>> nanClips = () => TinyClips.Batches(16, 8, seed: 1)().Select(b =>
        {
            b.Clips.fill_(float.NaN);
            return b;
        });
        var e = Assert.Throws<NonFiniteException>(() => Trainer.Fit(model, nanClips, TinyClips.Batches(8, 8, seed: 2),
            TrainOptions.QuickCpu(2), dir, TinyClips.ClassNames, Data));
        Assert.True(e.Message.StartsWith("train cnn-lstm: the loss became NaN at epoch 1, step 1; nothing was saved. " +
            "Try: ./workspace setup", StringComparison.Ordinal), e.Message);
        Assert.Empty(Directory.EnumerateFiles(dir));
    }

    [Fact]
    public void SfmTrainingStopsAtTheFirstNaNLossAndLeavesNoCheckpointOrResumeFiles()
    {
        var data = OdometryTestKit.TinyDataset(sequences: 1, frames: 7);
        var checkpoint = Path.Combine(OdometryTestKit.TempDir(), "nan.sfm");
        WriteEarlierFiles(checkpoint, SfmTrainer.ProgressFile(checkpoint), SfmTrainer.OptimizerFile(checkpoint));
        var sequences = OdometryDatasets.Open(data).Select(s => SequenceFrames.Load(s, 64, 24)).ToList();
        try
        {
            using var model = new SfmLearner(new SfmSettings(3, 64, 24));
            Poison(model.DepthNet);
            var o = new SfmTrainingOptions(Epochs: 2, BatchSize: 2, LearningRate: 1e-3, SequenceLength: 3);
            var e = Assert.Throws<NonFiniteException>(() => SfmTrainer.Train(model, sequences, o, checkpoint));
            const string expected = "train sfmlearner: the loss became NaN at epoch 1, step 1; nothing was saved.";
            Assert.True(e.Message.StartsWith(expected, StringComparison.Ordinal), e.Message);
            Assert.False(File.Exists(checkpoint));
            Assert.False(File.Exists(SfmTrainer.ProgressFile(checkpoint)));
            Assert.False(File.Exists(SfmTrainer.OptimizerFile(checkpoint)));
        }
        finally { foreach (var s in sequences) s.Dispose(); }
    }

    [Fact]
    public void PoseCeilingTrainingStopsAtTheFirstNaNLoss()
    {
        var data = OdometryTestKit.TinyDataset(sequences: 2, frames: 7);
        var sequences = OdometryDatasets.Open(data).Select(s => SequenceFrames.Load(s, 64, 24)).ToList();
        try
        {
            using (no_grad()) sequences[0].Images.fill_(float.NaN);
            var o = new PoseCeilingOptions(Epochs: 1, BatchSize: 2, SequenceLength: 3);
            var e = Assert.Throws<NonFiniteException>(() => PoseCeiling.Run([sequences[0]], [sequences[1]], o));
            Assert.StartsWith("pose ceiling: the loss became NaN at epoch 1, step 1; nothing was saved.", e.Message);
        }
        finally { foreach (var s in sequences) s.Dispose(); }
    }

    [Fact]
    public void GradientCheckNamesNaNAndInfinityAndPassesFiniteGradients()
    {
        using var layer = nn.Linear(3, 2);
        Assert.Null(FiniteCheck.Gradients(layer.parameters()));                      // no gradients yet
        using (var scope = NewDisposeScope()) layer.call(ones(1, 3)).sum().backward();
        Assert.Null(FiniteCheck.Gradients(layer.parameters()));
        using (no_grad()) layer.bias!.grad![1] = float.PositiveInfinity;
        Assert.Equal("infinite", FiniteCheck.Gradients(layer.parameters()));
        using (no_grad()) layer.weight!.grad![0, 0] = float.NaN;
        Assert.Equal("NaN", FiniteCheck.Gradients(layer.parameters()));
    }

    [Fact]
    public void ANonFiniteTrainingFailureIsShownAsItsOwnLine()
    {
        var e = NonFiniteException.InTraining("train r3d18", "gradient", "infinite", 1, 3);
        Assert.False(UserMessage.IsUnexpected(e));
        Assert.Equal(e.Message, UserMessage.Of(e));
        Assert.DoesNotContain('\n', e.Message);
    }
}
