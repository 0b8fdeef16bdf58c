using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Odometry.Geometry;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Odometry.Training;
using VideoGradCam.Study;
using Xunit;

namespace VideoGradCam.Tests.Study;

public class OdometryStudyTests
{
    static string TempDir() => TestTemp.Dir("odometry-study");

    static readonly SyntheticOdometry.Options Tiny = new(Sequences: 2, Frames: 7, Width: 64, Height: 24, Seed: 5);

    static Dictionary<string, DateTime> Stamps(string folder) =>
        Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .ToDictionary(f => f, File.GetLastWriteTimeUtc);

    [Fact]
    public void EnsureDataRendersOnceAndReusesTheFilesOnTheSecondCall()
    {
        var folder = Path.Combine(TempDir(), "odometry");
        OdometryStudy.EnsureData(folder, Tiny);
        var first = Stamps(folder);
        Assert.Contains(first.Keys, f => f.EndsWith(Path.Combine("poses", "01.txt")));
        Thread.Sleep(20);
        OdometryStudy.EnsureData(folder, Tiny);
        Assert.Equal(first, Stamps(folder));
    }

    [Fact]
    public void EnsureDataRendersAgainWhenTheOptionsChange()
    {
        var folder = Path.Combine(TempDir(), "odometry");
        OdometryStudy.EnsureData(folder, Tiny);
        OdometryStudy.EnsureData(folder, Tiny with { Sequences = 1 });
        Assert.Equal(["00"], OdometryDatasets.Open(folder).Select(s => s.Name));
    }

    [Fact]
    public void TrainedCheckpointIsReusedAndEvaluatedOnTheHeldOutSequenceOnly()
    {
        var root = TempDir();
        var data = OdometryStudy.EnsureData(Path.Combine(root, "data"), Tiny);
        var options = new SfmTrainingOptions(Epochs: 1, BatchSize: 8, SequenceLength: 3);
        var folder = Path.Combine(root, "ckpt");
        var checkpoint = OdometryStudy.EnsureTrained(data, folder, options, 64, 24, Tiny);
        var written = File.GetLastWriteTimeUtc(checkpoint);
        // 5 targets of sequence 00: one batch of 8
        Assert.Single(OdometryStudy.ReadHistory(folder).Steps);

        Thread.Sleep(20);
        Assert.Equal(checkpoint, OdometryStudy.EnsureTrained(data, folder, options, 64, 24, Tiny));
        Assert.Equal(written, File.GetLastWriteTimeUtc(checkpoint));

        var evaluation = OdometryStudy.Evaluate(checkpoint, data);
        Assert.Equal(["01"], evaluation.Sequences);
        Assert.Equal(["SfMLearner", "zero motion", "mean training motion"], evaluation.Ate.Select(r => r.Method));
        Assert.All(evaluation.Ate, r => Assert.Equal(5, r.Snippets));
        Assert.NotNull(evaluation.Depth);
        Assert.Equal(5, evaluation.Agreement!.Pairs);                          // one target -> next pair per snippet
        Assert.Equal(PoseMath.DofNames, evaluation.Agreement.Dofs.Select(d => d.Dof));
        Assert.Null(evaluation.Agreement.Dofs.Single(d => d.Dof == "ty").Correlation);   // the synthetic drive is flat
        Assert.True(evaluation.Agreement.Dofs.Single(d => d.Dof == "tz").TruthStd > 0);
        var misses = evaluation.MeanMotionMisses!;
        Assert.Equal(PoseMath.DofNames, misses.Select(m => m.Dof));
        Assert.True(misses.Single(m => m.Dof == "tx").Ate > 0);                  // the default drive sways
        Assert.Equal(0, misses.Single(m => m.Dof == "ty").Ate, 4);               // and is flat
        var spacing = Assert.Single(evaluation.Spacing!);                          // 3-frame snippets: t-1 against t+1
        Assert.Equal(-1, spacing.Offset);
        Assert.InRange(spacing.TruthMedian, 0.5, 2);                             // neighbouring steps of a smooth drive

        var ceiling = OdometryStudy.EnsureCeiling(checkpoint, data, options)!;
        Assert.Equal(1, ceiling.Steps);                                          // the same budget as the checkpoint's
        Assert.Equal(PoseCeiling.Method, ceiling.HeldOutAte[0].Method);
        Assert.All(ceiling.HeldOutAte, r => Assert.Equal(5, r.Snippets));      // held-out sequence 01
        var cached = Directory.GetFiles(folder + "-pose-ceiling", "*.json").Select(File.GetLastWriteTimeUtc).Max();
        Thread.Sleep(20);
        Assert.Equal(ceiling.Ate, OdometryStudy.EnsureCeiling(checkpoint, data, options)!.Ate);
        // reused
        Assert.Equal(cached,
            Directory.GetFiles(folder + "-pose-ceiling", "*.json").Select(File.GetLastWriteTimeUtc).Max());
    }

    /// <summary>The tiny synthetic sequences and an untrained SfMLearner for them, saved as a checkpoint.</summary>
    (string Root, string Data, string Checkpoint) UntrainedModelAndData()
    {
        var root = TempDir();
        var data = OdometryStudy.EnsureData(Path.Combine(root, "data"), Tiny);
        var checkpoint = Path.Combine(root, "untrained.sfm");
        using (var model = new SfmLearner(new SfmSettings(3, 64, 24, TrainSequences: ["00"]))) model.Save(checkpoint);
        return (root, data, checkpoint);
    }

    [Fact]
    public void FaithfulnessAveragesTheRatiosOfTheChosenHeldOutSnippets()
    {
        var (_, data, checkpoint) = UntrainedModelAndData();
        var f = OdometryStudy.Faithfulness(checkpoint, data, SfmCamModel.DepthLayer, snippets: 2);
        Assert.Equal(SfmCamModel.DepthLayer, f.Layer);
        Assert.Equal(2, f.Snippets.Count);
        Assert.All(f.Snippets, s => Assert.Equal("01", s.Sequence));
        Assert.NotEqual(f.Snippets[0].Frame, f.Snippets[1].Frame);
        var finite = f.Snippets.Where(s => !s.FlatMap).Select(s => s.Result.Ratio).Where(double.IsFinite).ToList();
        Assert.Equal(finite.Count == 0 ? double.NaN : finite.Average(), f.MeanRatio, 9);
    }

    [Fact]
    public void TheStudysFaithfulnessCoversEveryHeldOutSnippetWithItsControlsSanityCheckAndFlowEnergy()
    {
        // A held-out sequence of 24 frames: 22 three-frame snippets, more than the 20 the odometry claim needs.
        var root = TempDir();
        var data = OdometryStudy.EnsureData(Path.Combine(root, "data"), Tiny with { Frames = 24 });
        var checkpoint = Path.Combine(root, "ckpt", "untrained.sfm");
        Directory.CreateDirectory(Path.GetDirectoryName(checkpoint)!);
        using (var model = new SfmLearner(new SfmSettings(3, 64, 24, TrainSequences: ["00"]))) model.Save(checkpoint);

        var f = OdometryStudy.EnsureFaithfulness(checkpoint, data, VideoGradCam.Runtime.Profile.Quick);
        // the deepest with 4x4 cells at 64x24: 16x6
        Assert.Equal("pose.conv2", f.Layer);
        Assert.Equal((6, 16), (f.LayerHeight, f.LayerWidth));
        Assert.Equal(22, f.HeldOutSnippets);
        Assert.Equal(Enumerable.Range(1, 22), f.Snippets.Select(s => s.Frame));      // every one, in order
        Assert.All(f.Snippets, s => Assert.Equal("01", s.Sequence));
        int withMap = f.Snippets.Count(s => !s.FlatMap);
        Assert.Equal(withMap, f.Ratio.N + f.Snippets.Count(s => !s.FlatMap && !double.IsFinite(s.Result.Ratio)));
        // a sanity ρ for every snippet with a map
        Assert.Equal(withMap, f.SanityRho.N);
        Assert.All(f.Snippets.Where(s => !s.FlatMap), s => Assert.InRange(s.SanityRho, -1, 1));
        Assert.All(f.Snippets, s => Assert.Equal(OdometryFaithfulness.FlowDofs, s.Flow!.Select(d => d.Dof)));
        Assert.All(f.Snippets.SelectMany(s => s.Flow!), d => Assert.Equal(d.FlatMap, double.IsNaN(d.FullMotion)));
        // the drive goes forward
        Assert.All(f.Snippets.SelectMany(s => s.Flow!).Where(d => d.Dof == "tz"), d => Assert.Equal(-1, d.Sign));
        Assert.True(f.Seconds > 0);
        var ratios = f.Snippets.Where(s => !s.FlatMap).Select(s => s.Result.Ratio).Where(double.IsFinite).ToList();
        if (ratios.Count > 1) Assert.Equal(Math.Sqrt(
            ratios.Sum(r => (r - ratios.Average()) * (r - ratios.Average())) / (ratios.Count - 1)), f.Ratio.Sd, 9);

        // cached beside the checkpoint, keyed by it: the second call reads the file
        var file = Path.Combine(root, "ckpt-faithfulness", "faithfulness.json");
        var written = File.GetLastWriteTimeUtc(file);
        Thread.Sleep(20);
        var again = OdometryStudy.EnsureFaithfulness(checkpoint, data, VideoGradCam.Runtime.Profile.Quick);
        Assert.Equal(written, File.GetLastWriteTimeUtc(file));
        Assert.Equal(f.Snippets.Select(s => s.Result.Ratio), again.Snippets.Select(s => s.Result.Ratio));
        Assert.Equal(f.SanityAbsRho, again.SanityAbsRho);
    }

    [Fact]
    public void TheFaithfulnessVerbWritesTheNumbersAndRefusesBadOptions()
    {
        var (root, data, checkpoint) = UntrainedModelAndData();
        var json = Path.Combine(root, "out", "faithfulness.json");
        Assert.Equal(0, VideoGradCam.Commands.Cli.Run(["odometry-faithfulness", "--checkpoint", checkpoint, "--data",
            data, "--snippets", "3", "--out", json], new StringWriter()));
        var written = File.ReadAllText(json);
        Assert.Contains("\"Layer\": \"pose.conv2\"", written);                           // 16x6 cells at 64x24
        Assert.Contains("\"measured\": 3", written);
        Assert.Contains("\"HeldOutSnippets\": 5", written);
        Assert.Contains("\"ratioRandomMap\"", written);
        Assert.Contains("\"sanityAbsRho\"", written);
        Assert.Contains("\"flowFullMotion\"", written);
        var errors = new StringWriter();
        Assert.Equal(2, VideoGradCam.Commands.Cli.Run(["odometry-faithfulness", "--checkpoint", checkpoint, "--data",
            data, "--snippets", "0"], new StringWriter(), errors));
        Assert.Contains("--snippets", errors.ToString());
        Assert.Equal(2, VideoGradCam.Commands.Cli.Run(["odometry-faithfulness", "--checkpoint", checkpoint, "--data",
            data, "--layer", "pose.conv9"], new StringWriter(), errors));
        Assert.Contains("pose.conv9", errors.ToString());
    }

    [Fact]
    public void ExplainingASnippetWritesItsNumbersAPageAndAPicture()
    {
        var (root, data, checkpoint) = UntrainedModelAndData();
        var json = Path.Combine(root, "out", "snippet.json");
        var code = VideoGradCam.Commands.Cli.Run(["explain", "--checkpoint", checkpoint, "--data", data, "--snippet",
            "01:3", "--out", json], new StringWriter());
        Assert.Equal(0, code);
        Assert.True(File.Exists(json));
        Assert.Contains("Odometry saliency", File.ReadAllText(Path.ChangeExtension(json, ".html")));
        Assert.True(new FileInfo(Path.ChangeExtension(json, ".png")).Length > 10_000);
        Assert.Equal(["snippet.html", "snippet.json", "snippet.png"],
            Directory.GetFiles(Path.GetDirectoryName(json)!).Select(Path.GetFileName).Order());
        // The faithfulness is measured at the layer the study judges (the deepest with at least 4x4 cells), with the
        // random-map control at that layer's resolution.
        using var sfm = SfmLearner.Load(checkpoint);
        var layer = PoseLayerChoice.Deepest(sfm).Layer;
        using var doc = System.Text.Json.JsonDocument.Parse(File.ReadAllText(json));
        var faith = doc.RootElement.GetProperty("faithfulness");
        Assert.Equal(System.Text.Json.JsonValueKind.Number, faith.GetProperty("ratio_random_map").ValueKind);
        Assert.True(doc.RootElement.GetProperty("negative_loss_maps").TryGetProperty(layer, out _),
            $"no map at {layer}");
        Assert.True(doc.RootElement.GetProperty("dof_maps").EnumerateObject().Any(), "no per-DoF maps");
    }

    [Fact]
    public void SyntheticSequencesDoNotDependOnTheProcess()
    {
        // HashCode.Combine differs per process; the study's data must not. The seeds are fixed numbers:
        Assert.Equal(SyntheticOdometry.StableSeed(7, 1, 0x5f3), SyntheticOdometry.StableSeed(7, 1, 0x5f3));
        Assert.Equal(1401181143, SyntheticOdometry.StableSeed(7, 0, 0));
        Assert.NotEqual(SyntheticOdometry.StableSeed(7, 0, 0), SyntheticOdometry.StableSeed(7, 1, 0));
        Assert.NotEqual(SyntheticOdometry.StableSeed(7, 0, 0), SyntheticOdometry.StableSeed(8, 0, 0));
    }
    /// <summary>The same sequences in SfmLearner's prepared layout: one folder per scene with the frames, cam.txt (3x3)
    /// and poses.txt.</summary>
    static string Prepared(string kittiRoot, string folder)
    {
        foreach (var seq in OdometryDatasets.OpenKitti(kittiRoot))
        {
            var scene = Path.Combine(folder, "scene_" + seq.Name);
            Directory.CreateDirectory(scene);
            foreach (var frame in seq.Frames) File.Copy(frame, Path.Combine(scene, Path.GetFileName(frame)));
            var k = seq.Intrinsics;
            File.WriteAllLines(Path.Combine(scene, "cam.txt"),
                Enumerable.Range(0, 3).Select(r => string.Join(' ', Enumerable.Range(0, 3)
                    .Select(c => k[r, c].ToString(System.Globalization.CultureInfo.InvariantCulture)))));
            File.Copy(Path.Combine(kittiRoot, "poses", seq.Name + ".txt"), Path.Combine(scene, "poses.txt"));
        }
        return folder;
    }

    [Fact]
    public void TheStudyRunsOnSfmLearnersPreparedLayoutHoldingOutTheLastScene()
    {
        var root = TempDir();
        var kitti = OdometryStudy.EnsureData(Path.Combine(root, "kitti"), Tiny);
        var prepared = Prepared(kitti, Path.Combine(root, "prepared"));
        var checkpoint = OdometryStudy.EnsureTrained(prepared, Path.Combine(root, "ckpt"),
            new SfmTrainingOptions(Epochs: 1, BatchSize: 8, SequenceLength: 3), 64, 24);

        Assert.Equal(["scene_01"], OdometryStudy.Evaluate(checkpoint, prepared).Sequences);
        var depth = OdometryStudy.PredictDepth(checkpoint, prepared);
        Assert.Equal("scene_01", depth.Sequence);
        // the prepared layout has no depth
        Assert.Null(depth.GroundTruth);
        var explanation = OdometryStudy.Explain(checkpoint, prepared, frame: 3, dofs: []);
        Assert.Equal(24, explanation.Depth.GetLength(0));
        var missing = Assert.Throws<DirectoryNotFoundException>(
            () => OdometryStudy.Explain(checkpoint, prepared, sequence: "scene_09"));
        Assert.Contains("scene_09", missing.Message);
    }
}
