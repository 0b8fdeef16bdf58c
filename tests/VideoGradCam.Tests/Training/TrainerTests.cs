using TorchSharp;
using VideoGradCam.Models;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Training;

[Collection(SeededCollection.Name)]
public sealed class TrainerTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("vgc-train-").FullName;
    static readonly DataSpec Data =
        new(TinyClips.Frames, TinyClips.Size, TinyClips.Size, [0.5, 0.5, 0.5], [0.25, 0.25, 0.25]);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static VideoClassifier Tiny(string architecture, int seed = 11)
    {
        Seeds.Set(seed);
        return VideoModels.Create(architecture, 2, width: 8, hiddenSize: 16, attentionSize: 8);
    }

    static TrainHistory Fit(VideoClassifier model, int epochs, string? folder, bool resume = false) =>
        Trainer.Fit(model, TinyClips.Batches(16, 8, seed: 1), TinyClips.Batches(8, 8, seed: 2),
            TrainOptions.QuickCpu(epochs),
            folder, TinyClips.ClassNames, Data, resume);

    [Theory]
    [InlineData("r3d18")]
    [InlineData("cnn-lstm")]
    [InlineData("cnn-lstm-attention")]
    public void TrainingOnATinySetLowersTheLoss(string architecture)
    {
        using var model = Tiny(architecture);
        var history = Fit(model, 6, null);
        Assert.Equal(6, history.Epochs.Count);
        Assert.True(history.Epochs[^1].TrainLoss < 0.7 * history.Epochs[0].TrainLoss,
            string.Join("; ", history.Epochs.Select(e => $"{e.TrainLoss:0.###}")));
    }

    [Fact]
    public void CheckpointRoundTripGivesIdenticalLogits()
    {
        using var model = Tiny("r3d18");
        Fit(model, 2, _dir);
        var loaded = Checkpoint.Load(_dir);
        using var _ = loaded.Model;
        Assert.Equal(model.Config, loaded.Model.Config);
        Assert.Equal(TinyClips.ClassNames, loaded.Info.ClassNames);
        Assert.Equal(Data.Mean, loaded.Info.Data.Mean);
        Assert.Equal(2, loaded.Info.Epoch);
        Assert.Equal(2, loaded.Info.History.Epochs.Count);
        using var scope = NewDisposeScope();
        using var batch = TinyClips.Batches(4, 4, seed: 3)().First();
        model.eval(); loaded.Model.eval();
        Assert.True(model.call(batch.Clips).allclose(loaded.Model.call(batch.Clips), rtol: 0, atol: 0));
    }

    [Fact]
    public void AttentionWeightsAreSavedAndLoaded()
    {
        using var model = Tiny("cnn-lstm-attention");
        Fit(model, 1, _dir);
        using var fresh = Tiny("cnn-lstm-attention", seed: 99);
        using var scope = NewDisposeScope();
        Assert.False(fresh.state_dict()["attention.W.weight"].allclose(model.state_dict()["attention.W.weight"]));
        Checkpoint.LoadWeights(fresh, _dir);
        foreach (var key in new[] { "attention.W.weight", "attention.W.bias", "attention.v.weight" })
            Assert.True(fresh.state_dict()[key].allclose(model.state_dict()[key], rtol: 0, atol: 0), key);
        using var batch = TinyClips.Batches(2, 2, seed: 3)().First();
        model.eval(); fresh.eval();
        var a = model.Outputs(batch.Clips).Attention!;
        var b = fresh.Outputs(batch.Clips).Attention!;
        Assert.True(a.allclose(b, rtol: 0, atol: 0));
        Assert.True(a.sum(1).allclose(ones(2), 1e-5, 1e-6));
    }

    [Fact]
    public void CheckpointIntoTheWrongArchitectureListsMissingAndUnexpectedKeys()
    {
        using var model = Tiny("cnn-lstm");
        Fit(model, 1, _dir);
        using var other = Tiny("r3d18");
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.LoadWeights(other, _dir));
        Assert.Matches(@"\d+ missing \(layer1\.0\.conv1\.0\.weight, .*\d+ unexpected \(backbone\.", e.Message);
        Assert.Contains("The keys are those of a cnn-lstm", e.Message);
        Assert.Contains("missing keys: layer1.0.conv1.0.weight", (string)e.Data["details"]!);
        Assert.Throws<InvalidDataException>(() => Checkpoint.Load(_dir, expectedArchitecture: "r3d18"));
    }

    [Fact]
    public void ResumingContinuesTheSameRun()
    {
        using var straight = Tiny("cnn-lstm");
        var all = Fit(straight, 3, Path.Combine(_dir, "a"));
        using var first = Tiny("cnn-lstm");
        Fit(first, 2, Path.Combine(_dir, "b"));
        // other initial weights: resume must replace them
        using var resumed = Tiny("cnn-lstm", seed: 5);
        var continued = Fit(resumed, 3, Path.Combine(_dir, "b"), resume: true);
        Assert.Equal(3, continued.Epochs.Count);
        for (int i = 0; i < 3; i++)
        {
            Assert.Equal(all.Epochs[i].TrainLoss, continued.Epochs[i].TrainLoss, 4);
            Assert.Equal(all.Epochs[i].ValLoss, continued.Epochs[i].ValLoss, 4);
        }
    }

    [Fact]
    public void SeededRunsAreIdentical()
    {
        using var a = Tiny("r3d18");
        using var b = Tiny("r3d18");
        var ha = Fit(a, 2, null);
        var hb = Fit(b, 2, null);
        Assert.Equal(ha.Epochs.Select(e => e.TrainLoss), hb.Epochs.Select(e => e.TrainLoss));
        Assert.Equal(ha.Epochs.Select(e => e.ValLoss), hb.Epochs.Select(e => e.ValLoss));
    }

    [Fact]
    public void LiveTensorsDoNotGrowFromEpochToEpoch()
    {
        using var model = Tiny("cnn-lstm-attention");
        var live = new List<long>();
        Trainer.Fit(model, TinyClips.Batches(16, 8, seed: 1), TinyClips.Batches(8, 8, seed: 2),
            TrainOptions.QuickCpu(5),
            _dir, TinyClips.ClassNames, Data,
                onEpoch: _ => live.Add(DisposeScopeManager.Statistics.ThreadTotalLiveCount));
        // Epoch 1 creates Adam's state and the best-weights snapshot; afterwards (checkpoints written every epoch) the
        // count must stay flat.
        Assert.True(live.Skip(1).Distinct().Count() == 1, string.Join(", ", live));
    }
}
