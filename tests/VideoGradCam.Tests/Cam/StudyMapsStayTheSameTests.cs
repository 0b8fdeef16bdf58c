using VideoGradCam.Cam;
using VideoGradCam.Models;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Tests.Odometry;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Cam;

/// <summary>
/// The study's maps on fixed weights and inputs, against maps recorded before the models lost their own ways of
/// returning activations (TestData/study-maps.bin, written by the adapters each model had then): the forward-hook path
/// gives the same maps. WORKSPACE_RECORD_STUDY_MAPS=FILE records them anew into FILE.
/// </summary>
[Collection(SeededCollection.Name)]
public class StudyMapsStayTheSameTests
{
    static string File_ => Path.Combine(AppContext.BaseDirectory, "TestData", "study-maps.bin");

    /// <summary>Every map of the study's models: classifiers at their study layer and layer 4, SfMLearner at its three
    /// layers for the negative loss and a pose component.</summary>
    static IEnumerable<(string Name, Tensor Maps)> Maps()
    {
        foreach (var (architecture, layers) in new[] { ("r3d18", new[] { "layer2", "layer4" }),
                     ("cnn-lstm", new[] { "backbone.layer2", "backbone.layer4" }),
                     ("cnn-lstm-attention", new[] { "backbone.layer2", "backbone.layer3" }) })
        {
            manual_seed(4);
            var entry = ModelRegistry.Get(architecture);
            var classifier =
                entry.Create!(new VideoModelConfig(entry.Name, 3, Width: 8, HiddenSize: 8, AttentionSize: 4));
            manual_seed(5);
            using var clips = randn(new long[] { 2, 3, 4, 32, 32 });
            foreach (var layer in layers)
                foreach (var weighting in new[] { TemporalWeighting.Global, TemporalWeighting.TimeResolved })
                {
                    using var r = new CamEngine(classifier.AsCamModel(), CamMethod.GradCam, weighting)
                        .Explain(clips, [new ClassTarget(1), new ClassProbabilityTarget(2)], layer);
                    yield return ($"{architecture} {layer} {weighting}", r.Maps.detach().clone());
                }
        }
        manual_seed(5);
        var dir = OdometryTestKit.TinyDataset(frames: 5);
        var frames = SequenceFrames.Load(OdometryDatasets.Open(dir)[0], 64, 24);
        var model = new SfmLearner(new SfmSettings(3, 64, 24));
        var snippet = frames.Snippet([2], 3);
        using var input = snippet.Stacked();
        foreach (var layer in new[] { "pose.conv7", "pose.conv4", "pose.conv3", "depth.iconv1" })
            foreach (ICamTarget target in new ICamTarget[] { new NegativeLossTarget(),
                         new RegressionTarget("pose", SfmCamModel.PoseComponent(1, "tz"), -1) })
            {
                using var r = new CamEngine(SfmCamModel.For(model, snippet.Intrinsics)).Explain(input, [target], layer);
                yield return ($"sfmlearner {layer} {target}", r.Maps.detach().clone());
            }
    }

    [Fact]
    public void TheStudysMapsAreTheOnesRecordedBeforeTheHookPath()
    {
        var maps = Maps().ToList();
        if (Environment.GetEnvironmentVariable("WORKSPACE_RECORD_STUDY_MAPS") is { Length: > 0 } path)
        {
            using var w = new BinaryWriter(File.Create(path));
            w.Write(maps.Count);
            foreach (var (name, t) in maps)
            {
                w.Write(name);
                var values = t.contiguous().data<float>().ToArray();
                w.Write(values.Length);
                foreach (var v in values) w.Write(v);
            }
            return;
        }
        using var r = new BinaryReader(File.OpenRead(File_));
        int count = r.ReadInt32();
        Assert.Equal(count, maps.Count);
        double worst = 0;
        foreach (var (name, t) in maps)
        {
            Assert.Equal(name, r.ReadString());
            var values = t.contiguous().data<float>().ToArray();
            Assert.Equal(r.ReadInt32(), values.Length);
            for (int i = 0; i < values.Length; i++) worst = Math.Max(worst, Math.Abs(values[i] - r.ReadSingle()));
        }
        Console.WriteLine($"study maps: largest difference from the recorded ones {worst:g3}");
        Assert.True(worst <= 1e-5, $"the maps moved by up to {worst:g3}");
    }
}
