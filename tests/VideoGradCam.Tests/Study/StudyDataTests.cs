using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Commands;
using VideoGradCam.Models;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Study.Pipeline;
using VideoGradCam.Video;

namespace VideoGradCam.Tests.Study;

/// <summary>A tiny class-per-folder set of the five study classes (5 clips of 4 frames of 32x32 each), written once,
/// in two copies: with annotations (as generated) and without (annotation files deleted, like a real data
/// set).</summary>
public sealed class FiveClassFolders : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), $"studydata-{Guid.NewGuid():N}");
    public string Annotated => Path.Combine(Root, "annotated");
    public string Plain => Path.Combine(Root, "plain");

    public FiveClassFolders()
    {
        var settings =
            new SyntheticActionSettings { Classes = StudyData.StudyClasses, ClipsPerClass = 5, Frames = 4, Size = 32 };
        SyntheticActions.Generate(Annotated, settings);
        SyntheticActions.Generate(Plain, settings);
        // A real set: just videos in class folders (no classes.txt, synthetic.json, <clip>.json or masks).
        foreach (var f in Directory.EnumerateFiles(Plain, "*", SearchOption.AllDirectories)
            .Where(f => !f.EndsWith(".avi")))
            File.Delete(f);
    }

    public void Dispose() { try { Directory.Delete(Root, true); } catch (IOException) { } }
}

public class StudyDataTests(FiveClassFolders folders) : IClassFixture<FiveClassFolders>
{
    static string Temp(string name) => Directory.CreateTempSubdirectory(name).FullName;

    [Fact]
    public void NoDataOptionMeansTheSyntheticDefault()
    {
        var data = StudyData.Parse(null, null);
        Assert.True(data.IsSynthetic);
        Assert.Equal(StudyData.Synthetic, data);
        Assert.Equal("/x/artifacts", data.ArtifactsRoot("/x/artifacts"));
    }

    [Fact]
    public void ParsesActionsOdometryAndWeights()
    {
        var kitti = Temp("kitti");
        SyntheticOdometry.Write(kitti, new SyntheticOdometry.Options(Sequences: 2, Frames: 6, Width: 32, Height: 16));
        var weights = Path.Combine(Temp("weights"), "r3d_18-b3b3357e.pth");
        File.WriteAllText(weights, "not read by Parse");

        var data = StudyData.Parse($"hmdb51={folders.Plain},kitti={kitti}", $"r3d18={weights}");
        Assert.Equal("hmdb51", data.ActionsName);
        Assert.Equal(Path.GetFullPath(folders.Plain), data.ActionsRoot);
        Assert.Equal(Path.GetFullPath(kitti), data.OdometryRoot);
        Assert.Equal(Path.GetFullPath(weights), data.R3dWeights);
        Assert.False(data.IsSynthetic);
        Assert.Equal("hmdb51+kitti+r3d18-kinetics", data.Name);

        // The environment round trip that notebooks rely on gives back the same choice.
        var (d, w) = data.Options();
        Assert.Equal(data, StudyData.Parse(d, w));

        var ucf = StudyData.Parse($"ucf101={folders.Annotated}");
        Assert.Equal("ucf101", ucf.Name);
        Assert.Null(ucf.OdometryRoot);
    }

    [Theory]
    [InlineData("kinetics=/tmp", "unknown data set 'kinetics'")]
    [InlineData("hmdb51", "not NAME=PATH")]
    [InlineData("hmdb51=", "not NAME=PATH")]
    [InlineData("hmdb51=/no/such/folder/anywhere", "/no/such/folder/anywhere: no such folder")]
    [InlineData("kitti=/no/such/kitti", "/no/such/kitti: no such folder")]
    public void BadDataOptionsNameTheProblem(string option, string expected)
    {
        var e = Assert.Throws<UsageException>(() => ReproduceCommand.ParseData(option, null));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void BadWeightsOptionsNameTheProblem()
    {
        Assert.Contains("unknown model 'resnet50'",
            Assert.Throws<UsageException>(() => ReproduceCommand.ParseData(null, "resnet50=/x.pth")).Message);
        Assert.Contains("/no/such/r3d_18.pth: no such weights file",
            Assert.Throws<UsageException>(() => ReproduceCommand.ParseData(null, "r3d18=/no/such/r3d_18.pth")).Message);
    }

    [Fact]
    public void ActionsFolderWithoutAStudyClassIsRefusedNamingPathAndClass()
    {
        var root = Temp("fourclasses");
        foreach (var c in new[] { "clap", "wave", "smile", "drink" })
        {
            Directory.CreateDirectory(Path.Combine(root, c));
            File.WriteAllText(Path.Combine(root, c, "v.avi"), "");
        }
        var e = Assert.Throws<UsageException>(() => ReproduceCommand.ParseData($"hmdb51={root}", null));
        Assert.Contains(root, e.Message);
        Assert.Contains("study class(es) golf", e.Message);
    }

    [Fact]
    public void OdometryFolderWithoutSequencesIsRefused()
    {
        var root = Temp("notkitti");
        var e = Assert.Throws<UsageException>(() => ReproduceCommand.ParseData($"kitti={root}", null));
        Assert.Contains($"{root} is neither KITTI odometry", e.Message);
    }

    [Fact]
    public void GroundTruthIsDetectedFromAnnotationFiles()
    {
        Assert.True(StudyData.Parse($"videos={folders.Annotated}").HasGroundTruth);
        Assert.False(StudyData.Parse($"hmdb51={folders.Plain}").HasGroundTruth);
    }

    [Fact]
    public void RealDataHasItsOwnArtifactsRoot()
    {
        var data = StudyData.Parse($"hmdb51={folders.Plain}");
        Assert.Equal(Path.Combine("/x/artifacts", "hmdb51"), data.ArtifactsRoot("/x/artifacts"));
        Assert.NotEqual(StudyData.Synthetic.ArtifactsRoot("/x/artifacts"), data.ArtifactsRoot("/x/artifacts"));
        Assert.True(StudyData.IsDataRootName(data.Name));
        Assert.True(StudyData.IsDataRootName("hmdb51+kitti+r3d18-kinetics"));
        foreach (var ours in new[] { "checkpoints", "cam-eval", "evaluations", "notebooks", "report", "figures",
            "odometry-eval" })
            Assert.False(StudyData.IsDataRootName(ours));
    }

    [Fact]
    public void ActionsViewHoldsExactlyTheStudyClassesInStudyOrder()
    {
        var data = StudyData.Parse($"hmdb51={folders.Plain}");
        // another HMDB51 class: left out
        var extra = Directory.CreateDirectory(Path.Combine(folders.Plain, "brush_hair")).FullName;
        File.Copy(Directory.EnumerateFiles(Path.Combine(folders.Plain, "clap")).First(), Path.Combine(extra, "b.avi"),
            overwrite: true);
        var view = data.EnsureActions(Profile.Quick, Temp("views"));
        var set = VideoDataset.FromFolders(view);
        Assert.Equal(StudyData.StudyClasses, set.ClassNames);
        Assert.Equal(25, set.Count);
        Assert.Equal(view, data.EnsureActions(Profile.Quick, Path.GetDirectoryName(view)));   // idempotent
    }

    [Fact]
    public void CacheKeysDifferByDataPath()
    {
        var a = StudyData.Parse($"hmdb51={folders.Plain}");
        var b = StudyData.Parse($"hmdb51={folders.Annotated}");
        foreach (var arch in ClassifierSettings.StudyModels)
        {
            var (ka, kb) = (StepCache.Hash(ClassifierStudy.TrainingKey(arch, new StudyRun(Profile.Quick, a))),
                StepCache.Hash(ClassifierStudy.TrainingKey(arch, new StudyRun(Profile.Quick, b))));
            Assert.NotEqual(ka, kb);
            Assert.NotEqual(ka,
                StepCache.Hash(ClassifierStudy.TrainingKey(arch, new StudyRun(Profile.Quick, StudyData.Synthetic))));
        }
        var views = Temp("views2");
        Assert.NotEqual(a.EnsureActions(Profile.Quick, views), b.EnsureActions(Profile.Quick, views));
    }

    [Fact]
    public void PublishedWeightsInitialiseAllButTheClassifierHead()
    {
        var file = Path.Combine(Temp("r3dweights"), "r3d.pth");
        using (var source = VideoModels.Create(new VideoModelConfig("r3d18", 400, 4)))
            StateDictLoader.Save(source, file);
        using var target = VideoModels.Create(new VideoModelConfig("r3d18", 5, 4));
        var fcBefore = target.state_dict()["fc.weight"].clone();
        ClassifierStudy.LoadBackbone(target, file);
        var loaded = StateDictLoader.Read(file);
        var after = target.state_dict();
        Assert.True(after["layer1.0.conv1.0.weight"].eq(loaded["layer1.0.conv1.0.weight"]).all().item<bool>());
        // this data's five classes, not Kinetics' 400
        Assert.Equal(new long[] { 5, 32 }, after["fc.weight"].shape);
        Assert.True(after["fc.weight"].eq(fcBefore).all().item<bool>());
        foreach (var t in loaded.Values) t.Dispose();

        var weighted = StudyData.Parse(null, $"r3d18={file}");
        // torchvision's width
        Assert.Equal(64, ClassifierStudy.SettingsFor("r3d18", new StudyRun(Profile.Quick, weighted)).Width);
        Assert.Equal(ClassifierSettings.For("cnn-lstm", Profile.Quick),
            ClassifierStudy.SettingsFor("cnn-lstm", new StudyRun(Profile.Quick, weighted)));
    }

    [Fact]
    public void SyntheticTrainingKeyIsUnchanged()
    {
        // The default run's checkpoints stay valid: the key is exactly the one used before real data existed.
        var settings = ClassifierSettings.For("r3d18", Profile.Quick);
        Assert.Equal(StepCache.Hash(new { settings, data = SyntheticActionSettings.For(Profile.Quick) }),
            StepCache.Hash(ClassifierStudy.TrainingKey("r3d18", new StudyRun(Profile.Quick, StudyData.Synthetic))));
    }

    [Fact]
    public void WithoutGroundTruthTheMaskClaimsAreNotMeasuredAndNoMaskMetricIsInvented()
    {
        var data = StudyData.Parse($"hmdb51={folders.Plain}");
        var view = data.EnsureActions(Profile.Quick, Temp("views3"));
        var checkpoint = Temp("ckpt");
        var settings = new ClassifierSettings("cnn-lstm-attention", Frames: 4, Size: 32, Width: 4, HiddenSize: 8,
            Epochs: 1, BatchSize: 8, LearningRate: 1e-3, Seed: 1);
        ClassifierStudy.Train(view, checkpoint, settings);
        var options = new CamEvaluationOptions([(VideoGradCam.Cam.CamMethod.GradCam, null)], DeletionClips: 2,
            SanityClips: 1, Layer: settings.CamLayer);
        var evaluation = CamStudyEvaluations.Evaluate(checkpoint, view, options);

        Assert.False(evaluation.HasGroundTruth);
        var g = evaluation.Methods.Single();
        Assert.True(double.IsNaN(g[PointingGameMetric.Score]) && double.IsNaN(g[EnergyInMaskMetric.Score])
            && double.IsNaN(g[TemporalAucMetric.Score]) && double.IsNaN(g[OtherClassMetric.Energy]));
        Assert.True(double.IsNaN(evaluation.MaskArea) && double.IsNaN(evaluation.PointingChance));
        Assert.Null(evaluation.Attention);
        // What needs no ground truth is measured: deletion/insertion, the sanity check, accuracy, per-frame importance.
        Assert.True(double.IsFinite(g[DeletionInsertionMetric.Deletion])
            && double.IsFinite(g[DeletionInsertionMetric.Insertion]));
        Assert.True(double.IsFinite(g[SanityCheckMetric.FinalSpearman]));
        Assert.InRange(evaluation.Accuracy, 0, 1);
        Assert.Equal(evaluation.Clips, g.FrameImportance.Length);
        // attention is still recorded
        Assert.Equal(evaluation.Clips, evaluation.AttentionWeights!.Length);

        var claims = StudyClaims.Assess(new Dictionary<string, CamEvaluation>
        {
            ["r3d18"] = evaluation with { Architecture = "r3d18" },
            ["cnn-lstm"] = evaluation with { Architecture = "cnn-lstm" },
            ["cnn-lstm-attention"] = evaluation,
        }, null, data.ActionsDescription);
        foreach (var c in claims.Where(c => !c.Statement.StartsWith("Odometry")))
        {
            Assert.Equal(StudyClaims.NotMeasured, c.Verdict);
            Assert.Contains("not measurable on hmdb51 (no ground truth)", c.Value);
            Assert.DoesNotContain("NaN", c.Value);
        }
        Assert.Equal(6, claims.Count);
        Assert.Contains("ρ(attention, Grad-CAM per-frame importance)",
            claims.Single(c => c.Statement.StartsWith("Attention weights")).Value);

        // The report shows what was measured and marks the rest n/a: no "NaN" anywhere, no invented number.
        var accuracy = ClassifierStudy.Evaluate(checkpoint, view);
        var html = StudyReport.Write(new StudyResults
        {
            Profile = Profile.Quick, Data = data, Claims = claims, Figures = [],
            Cam = new Dictionary<string, CamEvaluation> { ["cnn-lstm-attention"] = evaluation },
            Accuracy =
                new Dictionary<string, VideoGradCam.Training.EvaluationReport> { ["cnn-lstm-attention"] = accuracy },
        }, Temp("report"));
        var page = System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(html), "<script[^>]*>.*?</script>", "",
            System.Text.RegularExpressions.RegexOptions.Singleline);              // plotly.js itself mentions NaN
        Assert.Contains("not measurable on hmdb51 (no ground truth)", page);
        Assert.Contains("n/a", page);
        Assert.DoesNotContain("NaN", page);
        Assert.Contains($"--data hmdb51={data.ActionsRoot}", page);
    }
}

[Collection(SeededCollection.Name)]
public class StudyDataEnvironmentTests
{
    [Fact]
    public void ReproduceWithBadDataExitsWithUsageBeforeAnyWork()
    {
        var err = new StringWriter();
        var old = Console.Error;
        Console.SetError(err);
        int code;
        try { code = Cli.Run(["reproduce", "--data", "kinetics=/tmp", "--no-notebooks"], new StringWriter()); }
        finally { Console.SetError(old); }
        Assert.Equal(2, code);
        Assert.Contains("unknown data set 'kinetics'", err.ToString());
        Assert.Contains("./workspace reproduce --help", err.ToString());
    }

    [Fact]
    public void StudyFiguresWorkOnClipsWithoutAnnotations()
    {
        var saved = Environment.GetEnvironmentVariable("WORKSPACE_ARTIFACTS");
        using var folders = new FiveClassFolders();
        try
        {
            Environment.SetEnvironmentVariable("WORKSPACE_ARTIFACTS",
                Directory.CreateTempSubdirectory("figures").FullName);
            var data = StudyData.Parse($"hmdb51={folders.Plain}");
            var view = data.EnsureActions(Profile.Quick, Directory.CreateTempSubdirectory("views").FullName);
            // tiny models where the study keeps its checkpoints
            foreach (var arch in ClassifierSettings.StudyModels)
                ClassifierStudy.Train(view, ClassifierStudy.CheckpointFolder(arch, Profile.Quick),
                    new ClassifierSettings(arch, Frames: 4, Size: 32, Width: 4, HiddenSize: 8, Epochs: 1, BatchSize: 8,
                        LearningRate: 1e-3, Seed: 1));
            var figures =
                StudyPipeline.Figures(Profile.Quick, data, view, new StudyPipeline.OdometryReport(new { }, [], []));
            // clap x2, wave for wave and smile, drink for drink and smile
            Assert.Equal(5, figures.Count);
            Assert.Contains(figures, f => f.Item2.Contains("hmdb51 has no ground-truth relevant frames"));
        }
        finally { Environment.SetEnvironmentVariable("WORKSPACE_ARTIFACTS", saved); }
    }

    [Fact]
    public void ApplyPointsArtifactsAndNotebooksAtTheChosenData()
    {
        var saved = new[] { "WORKSPACE_ARTIFACTS", StudyData.DataVariable, StudyData.WeightsVariable }.ToDictionary(
            k => k, Environment.GetEnvironmentVariable);
        var root = Directory.CreateTempSubdirectory("apply").FullName;
        var actions = Path.Combine(root, "hmdb");
        foreach (var c in StudyData.StudyClasses)
        {
            Directory.CreateDirectory(Path.Combine(actions, c));
            File.WriteAllText(Path.Combine(actions, c, "v.avi"), "");
        }
        try
        {
            Environment.SetEnvironmentVariable("WORKSPACE_ARTIFACTS", Path.Combine(root, "artifacts"));
            var data = StudyData.Parse($"hmdb51={actions}");
            data.Apply();
            Assert.Equal(Path.Combine(root, "artifacts", "hmdb51"), WorkspacePaths.Artifacts());
            Assert.Equal(Path.Combine(root, "artifacts", "hmdb51", "checkpoints", "r3d18-quick"),
                ClassifierStudy.CheckpointFolder("r3d18", Profile.Quick));
            Assert.Equal(data, StudyData.Current());            // what a notebook started from here sees
            // applying again does not nest
            Assert.Equal(Path.Combine(root, "artifacts", "hmdb51"), WorkspacePaths.Artifacts());

            // A notebook opened with only WORKSPACE_DATA set still writes into the data's own root.
            Environment.SetEnvironmentVariable("WORKSPACE_ARTIFACTS", Path.Combine(root, "artifacts"));
            StudyData.Current();
            Assert.Equal(Path.Combine(root, "artifacts", "hmdb51"), WorkspacePaths.Artifacts());
            Assert.Equal(data.EnvironmentVariables()[StudyData.DataVariable], $"hmdb51={actions}");
        }
        finally
        {
            foreach (var (k, v) in saved) Environment.SetEnvironmentVariable(k, v);
        }
        Assert.True(StudyData.Current().IsSynthetic || saved[StudyData.DataVariable] is not null);
    }
}
