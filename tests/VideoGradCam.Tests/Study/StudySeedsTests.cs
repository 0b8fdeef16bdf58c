using System.Text.Json;
using VideoGradCam.Cam;
using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Commands;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Study.Pipeline;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Tests.Study;

/// <summary><c>reproduce --seeds N</c>: seed 0 is today's run (folders, cache keys), extra seeds have their own
/// folders, and the claims, report and metrics.json show the spread over seeds. No training: evaluations are made
/// up.</summary>
[Collection(SeededCollection.Name)]   // reads and sets WORKSPACE_ARTIFACTS / WORKSPACE_PROFILE
public class StudySeedsTests
{
    static T WithArtifacts<T>(Func<string, T> body)
    {
        var saved = Environment.GetEnvironmentVariable("WORKSPACE_ARTIFACTS");
        var root = Directory.CreateTempSubdirectory("seeds").FullName;
        Environment.SetEnvironmentVariable("WORKSPACE_ARTIFACTS", root);
        try { return body(root); }
        finally { Environment.SetEnvironmentVariable("WORKSPACE_ARTIFACTS", saved); Directory.Delete(root, true); }
    }

    [Theory]
    [InlineData("r3d18", Profile.Quick)]
    [InlineData("cnn-lstm-attention", Profile.Full)]
    public void SeedZeroKeepsTodaysFoldersAndCacheKeys(string arch, Profile profile) => WithArtifacts(root =>
    {
        var name = $"{arch}-{profile.Name()}";
        Assert.Equal(Path.Combine(root, "checkpoints", name), ClassifierStudy.CheckpointFolder(arch, profile, 0));
        Assert.Equal(Path.Combine(root, "checkpoints", name), ClassifierStudy.CheckpointFolder(arch, profile));
        Assert.Equal(Path.Combine(root, "cam-eval", name), CamStudyEvaluations.Folder(arch, profile, 0));
        Assert.Equal(Path.Combine(root, "evaluations", name), StudyPipeline.AccuracyFolder(arch, profile, 0));

        // The training key as the study has always written it (settings and synthetic data settings, nothing about
        // seeds).
        var todayTraining =
            new { settings = ClassifierSettings.For(arch, profile), data = SyntheticActionSettings.For(profile) };
        Assert.Equal(StepCache.Hash(todayTraining),
            StepCache.Hash(ClassifierStudy.TrainingKey(arch, new StudyRun(profile, StudyData.Synthetic, 0))));
        Assert.Equal(StepCache.Hash(todayTraining),
            StepCache.Hash(ClassifierStudy.TrainingKey(arch, new StudyRun(profile, StudyData.Synthetic))));
        Assert.Equal(ClassifierSettings.For(arch, profile),
            ClassifierStudy.SettingsFor(arch, new StudyRun(profile, StudyData.Synthetic, 0)));

        // The CAM evaluation key of seed 0: the checkpoint, the options and the code, nothing about seeds.
        const string info = "{\"epoch\": 6}";
        var options =
            CamEvaluationOptions.Study(profile) with { Layer = ClassifierSettings.For(arch, profile).CamLayer };
        var todayCam = StepCache.CodeKey(new
        {
            checkpoint = StepCache.Hash(info),
            methods = options.Methods.Select(m => $"{m.Method}/{m.Weighting}").ToArray(),
            options.Split, options.MaxClips, options.DeletionClips, options.SanityClips, options.Layer,
        });
        Assert.Equal(StepCache.Hash(todayCam),
            StepCache.Hash(CamStudyEvaluations.CacheKey(arch, new StudyRun(profile, StudyData.Synthetic, 0), info)));
        return 0;
    });

    [Fact]
    public void ExtraSeedsHaveTheirOwnFoldersKeysAndTrainingSeed() => WithArtifacts(root =>
    {
        const string arch = "cnn-lstm";
        var p = Profile.Full;
        Assert.Equal(Path.Combine(root, "checkpoints", "cnn-lstm-full-seed1"),
            ClassifierStudy.CheckpointFolder(arch, p, 1));
        Assert.Equal(Path.Combine(root, "cam-eval", "cnn-lstm-full-seed2"), CamStudyEvaluations.Folder(arch, p, 2));
        Assert.Equal(Path.Combine(root, "evaluations", "cnn-lstm-full-seed2"),
            StudyPipeline.AccuracyFolder(arch, p, 2));
        Assert.Equal(3, new[] { 0, 1, 2 }.Select(k => ClassifierStudy.CheckpointFolder(arch, p, k)).Distinct().Count());
        Assert.Equal(3, new[] { 0, 1, 2 }.Select(k => StepCache.Hash(
            ClassifierStudy.TrainingKey(arch, new StudyRun(p, StudyData.Synthetic, k)))).Distinct().Count());
        Assert.Equal(3, new[] { 0, 1, 2 }.Select(k => StepCache.Hash(
            CamStudyEvaluations.CacheKey(arch, new StudyRun(p, StudyData.Synthetic, k), "{}"))).Distinct().Count());

        // Only the training seed moves; every other setting (and so the data) stays.
        var seed2 = ClassifierStudy.SettingsFor(arch, new StudyRun(p, StudyData.Synthetic, 2));
        Assert.Equal(ClassifierSettings.For(arch, p).Seed + 2 * ClassifierStudy.SeedStride, seed2.Seed);
        Assert.Equal(ClassifierSettings.For(arch, p), seed2 with { Seed = ClassifierSettings.For(arch, p).Seed });
        Assert.Throws<ArgumentOutOfRangeException>(() => ClassifierStudy.CheckpointFolder(arch, p, -1));

        // Notebooks use seed 0: extra seeds' folders are not among their inputs, seed 0's are.
        Assert.True(StudyPipeline.IsExtraSeedFolder(ClassifierStudy.CheckpointFolder(arch, p, 1)));
        Assert.True(StudyPipeline.IsExtraSeedFolder(CamStudyEvaluations.Folder(arch, p, 12)));
        Assert.False(StudyPipeline.IsExtraSeedFolder(ClassifierStudy.CheckpointFolder(arch, p, 0)));
        return 0;
    });

    [Fact]
    public void ExtraSeedsMeasureOnlyTheGradCamTheClaimsRead()
    {
        var seed0 = CamStudyEvaluations.Options("r3d18", Profile.Full, 0);
        var seed1 = CamStudyEvaluations.Options("r3d18", Profile.Full, 1);
        Assert.Equal(CamStudyEvaluations.Options("r3d18", Profile.Full).Methods, seed0.Methods);
        Assert.True(seed0.Methods.Count > 1);
        Assert.Equal([(CamMethod.GradCam, (TemporalWeighting?)null)], seed1.Methods);
        Assert.Equal(seed0.Layer, seed1.Layer);
        Assert.Equal(seed0.DeletionClips, seed1.DeletionClips);
    }

    [Fact]
    public void ExtraSeedsKeepTheSplitSeedInTheirKey()
    {
        var key = JsonSerializer.Serialize(
            ClassifierStudy.TrainingKey("r3d18", new StudyRun(Profile.Quick, StudyData.Synthetic, 2)));
        Assert.Contains($"\"trainingSeed\":{Seeds.Default + 2 * ClassifierStudy.SeedStride}", key);
        Assert.Contains($"\"splitSeed\":{Seeds.Default}", key);
    }

    /// <summary>Tiny training (1 epoch, 4x32x32 clips): the seed-aware overload with the split's seed equal to the
    /// training seed is today's training, bit for bit; another training seed on the same split gives other
    /// weights.</summary>
    [Fact]
    public void SeedZeroTrainsAsTodayAndAnotherSeedTrainsOtherWeights()
    {
        var root = Directory.CreateTempSubdirectory("seeds-train").FullName;
        try
        {
            var data = Path.Combine(root, "data");
            SyntheticActions.Generate(data, new SyntheticActionSettings { Classes = StudyData.StudyClasses,
                ClipsPerClass = 5, Frames = 4, Size = 32 });
            var settings = new ClassifierSettings("cnn-lstm", Frames: 4, Size: 32, Width: 4, HiddenSize: 8, Epochs: 1,
                BatchSize: 8, LearningRate: 1e-3, Seed: 1);
            string Trained(string name, Action<string> train) { var dir = Path.Combine(root, name); train(dir);
                return dir; }
            var today = Trained("today", d => ClassifierStudy.Train(data, d, settings));
            var seed0 = Trained("seed0", d => ClassifierStudy.Train(data, d, settings, splitSeed: 1));
            var seed1 = Trained("seed1", d => ClassifierStudy.Train(data, d, settings with { Seed = 2 }, splitSeed: 1));
            // compared as numbers: other tests run in parallel and share LibTorch's thread pool, so the last bits may
            // differ
            float[] Weights(string dir)
            {
                var loaded = Checkpoint.Load(dir);
                try { return loaded.Model.parameters().SelectMany(p => p.detach().cpu().data<float>().ToArray())
                    .ToArray(); }
                finally { loaded.Model.Dispose(); }
            }
            double MaxDifference(float[] a, float[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
            var w = Weights(today);
            Assert.True(MaxDifference(w, Weights(seed0)) < 1e-4, "seed 0 should train today's weights");
            Assert.True(MaxDifference(w, Weights(seed1)) > 1e-2, "another training seed should train other weights");
        }
        finally { Directory.Delete(root, true); }
    }

    [Fact]
    public void FullProfileDefaultsToSeveralSeedsQuickToOne()
    {
        Assert.Equal(1, StudyPipeline.DefaultSeeds(Profile.Quick));
        Assert.Equal(StudyPipeline.FullProfileSeeds, StudyPipeline.DefaultSeeds(Profile.Full));
        Assert.True(StudyPipeline.FullProfileSeeds > 1, "the full profile reports a spread over seeds");
        Assert.Equal(1, ReproduceCommand.ParseSeeds(null, Profile.Quick));
        Assert.Equal(StudyPipeline.FullProfileSeeds, ReproduceCommand.ParseSeeds(null, Profile.Full));
        Assert.Equal(5, ReproduceCommand.ParseSeeds("5", Profile.Quick));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("two")]
    [InlineData("1.5")]
    public void ReproduceRejectsSeedsThatAreNotAPositiveWholeNumber(string seeds)
    {
        var err = new StringWriter();
        var old = Console.Error;
        var profile = Environment.GetEnvironmentVariable(Profiles.EnvironmentVariable);
        Console.SetError(err);
        int code;
        try { code = Cli.Run(["reproduce", $"--seeds={seeds}", "--no-notebooks"], new StringWriter()); }
        finally { Console.SetError(old); Environment.SetEnvironmentVariable(Profiles.EnvironmentVariable, profile); }
        Assert.Equal(2, code);
        Assert.Contains($"--seeds expects a whole number of training seeds, 1 or more (got '{seeds}')", err.ToString());
        Assert.Contains("./workspace reproduce --help", err.ToString());
        Assert.Contains("--seeds", err.ToString());
    }

    // --- made-up evaluations: three seeds of the three models -------------------------------------------------------

    static MethodScores Scores(double pointing, double energy = 0.05, double tAuc = 0.8, bool sanity = true) =>
        TestScores.Of(pointing, energy, tAuc, tAuc, 0.2, 0.8, sanity, 0.1, 0.01, 0.2,
            [[0.1, 0.4, 0.5], [0.5, 0.3, 0.2]]);

    static CamEvaluation Eval(string arch, double accuracy, MethodScores scores, AttentionScores? attention = null) =>
        new("ckpt", arch, "layer2", new EvaluatedClips("test", 2, accuracy, ["a", "b"], ["x", "y"], ["x", "y"],
            [[true, false, true]]), new ChanceLevels(MaskArea: 0.01, PointingChance: 0.2), [scores], attention);

    /// <summary>Seed k: R3D-18 points with <paramref name="r3dPointing"/>; the attention model's accuracy is
    /// <paramref name="attAccuracy"/>.</summary>
    static IReadOnlyDictionary<string, CamEvaluation> Seed(double r3dPointing, double attAccuracy,
        bool sanity = true) => new Dictionary<string, CamEvaluation>
    {
        ["r3d18"] = Eval("r3d18", 0.8, Scores(r3dPointing, sanity: sanity)),
        ["cnn-lstm"] = Eval("cnn-lstm", 0.7, Scores(0.9)),
        ["cnn-lstm-attention"] =
            Eval("cnn-lstm-attention", attAccuracy, Scores(0.9, energy: 0.08), new AttentionScores(0.8, 0.5, 0.9)),
    };

    // R3D-18's pointing 0.9, 0.6, 0.3 (chance 0.2, rule: at least 0.4): mean 0.6 holds, the third seed alone only
    // partly.
    static readonly IReadOnlyList<IReadOnlyDictionary<string, CamEvaluation>> ThreeSeeds =
        [Seed(0.9, 0.9), Seed(0.6, 0.8), Seed(0.3, 1.0, sanity: false)];

    static Claim Find(IReadOnlyList<Claim> claims, string startsWith) =>
        claims.Single(c => c.Statement.StartsWith(startsWith));

    [Fact]
    public void ClaimsOverSeedsShowMeanSdRangeAndHowManySeedsAgree()
    {
        var claims = StudyClaims.Assess(ThreeSeeds, TestFaithfulness.Of([1.5, 2.0, 0.8]));
        var consistency = Find(claims, "Grad-CAM on video");
        // mean 0.6, sample sd sqrt((0.09 + 0 + 0.09) / 2) = 0.3, range 0.3–0.9 (in the claim's details)
        Assert.Contains("r3d18: pointing 0.60 ± 0.30 (chance 0.20), energy 0.050 ± 0.000 (uniform 0.010)",
            consistency.Value);
        Assert.Contains(new ClaimDetail("r3d18: pointing", "0.60 ± 0.30 (0.30–0.90)"), consistency.Details!);
        Assert.Equal(StudyClaims.Holds, consistency.Verdict);                                   // the rule on the means
        Assert.Equal([StudyClaims.Holds, StudyClaims.Holds, StudyClaims.Partly], consistency.SeedVerdicts);
        Assert.Equal("holds in 2 of 3 seeds; partly holds in 1", consistency.SeedAgreement);
        Assert.True(consistency.SeedsDisagree);
        Assert.Contains("applied to the means over 3 seeds", consistency.Rule);

        // Attention accuracy 0.9, 0.8, 1.0 vs 0.7: mean 90.0% ± 10.0% (80.0%–100.0%); every seed agrees.
        var attention = Find(claims, "Attention improves");
        Assert.Contains(
            $"accuracy with attention {0.9:P1} ± {0.1:P1} ({0.8:P1}–{1.0:P1}) vs without {0.7:P1} ± {0.0:P1}",
            attention.Value);
        Assert.Equal("holds in 3 of 3 seeds", attention.SeedAgreement);
        Assert.False(attention.SeedsDisagree);

        // The odometry claim comes from one SfMLearner: no spread, and the report says so.
        Assert.Contains("SfMLearner is trained once", Find(claims, "Odometry").Value);
    }

    [Fact]
    public void OneSeedGivesTheSingleRunClaims()
    {
        var one = StudyClaims.Assess([ThreeSeeds[1]], TestFaithfulness.Of([1.5]));
        var single = StudyClaims.Assess(ThreeSeeds[1], TestFaithfulness.Of([1.5]));
        Assert.Equal(single.Select(c => (c.Statement, c.Value, c.Rule, c.Verdict)),
            one.Select(c => (c.Statement, c.Value, c.Rule, c.Verdict)));
        Assert.All(one,
            c => { Assert.Null(c.SeedVerdicts); Assert.Null(c.SeedAgreement); Assert.DoesNotContain("±", c.Value); });
        Assert.Contains("r3d18: pointing 0.60 (chance 0.20)", Find(one, "Grad-CAM on video").Value);
        // metrics.json as before
        Assert.DoesNotContain("SeedVerdicts", JsonSerializer.Serialize(one));
    }

    static EvaluationReport Accuracy(double accuracy) =>
        new(10, accuracy, 0.5, ["raise", "lower"], [accuracy, accuracy], [[5, 0], [0, 5]]);

    static StudyResults Results(IReadOnlyList<IReadOnlyDictionary<string, CamEvaluation>> bySeed,
        IReadOnlyList<double> attentionAccuracy)
    {
        var accuracy = attentionAccuracy.Select(
            a => (IReadOnlyDictionary<string, EvaluationReport>)new Dictionary<string, EvaluationReport>
        {
            ["r3d18"] = Accuracy(0.8), ["cnn-lstm"] = Accuracy(0.7), ["cnn-lstm-attention"] = Accuracy(a),
        }).ToList();
        return new StudyResults
        {
            Profile = Profile.Full, Claims = StudyClaims.Assess(bySeed, null), Figures = [],
            Cam = bySeed[0], Accuracy = accuracy[0],
            CamBySeed = bySeed.Count > 1 ? bySeed : [], AccuracyBySeed = bySeed.Count > 1 ? accuracy : [],
        };
    }

    /// <summary>The page's text without plotly.js, entities decoded (HtmlEncode writes ± as &amp;#177;).</summary>
    static string Page(string html) =>
        System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(File.ReadAllText(html),
        "<script[^>]*>.*?</script>", "", System.Text.RegularExpressions.RegexOptions.Singleline));

    [Fact]
    public void ReportAndMetricsShowTheSpreadOverSeeds()
    {
        var folder = Directory.CreateTempSubdirectory("seeds-report").FullName;
        try
        {
            var page = Page(StudyReport.Write(Results(ThreeSeeds, [0.9, 0.8, 1.0]), folder));
            Assert.Contains("value (mean ± sd (min–max) over 3 seeds)", page);
            Assert.Contains("seeds disagree: holds in 2 of 3 seeds; partly holds in 1", page);
            // accuracy table: mean ± sd
            Assert.Contains($"{0.9:P1} ± {0.1:P1}", page);
            // CAM table: R3D-18's pointing
            Assert.Contains("<td>0.60 ± 0.30</td>", page);
            // sanity passed in 2 of 3 seeds, then its final ρ
            Assert.Contains("<td>2/3</td><td>0.10 ± 0.00</td>", page);
            Assert.Contains("SfMLearner is trained once, not per seed", page);
            Assert.Contains("training seeds 7, 1007, 2007", page);
            // the full profile's default is 2
            Assert.Contains("--seeds 3", page);

            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
            var seeds = metrics.RootElement.GetProperty("seeds");
            Assert.Equal(3, seeds.GetProperty("count").GetInt32());
            Assert.Equal([7, 1007, 2007],
                seeds.GetProperty("trainingSeeds").EnumerateArray().Select(e => e.GetInt32()));
            var perSeed = seeds.GetProperty("perSeed").EnumerateArray().ToList();
            Assert.Equal([0.9, 0.6, 0.3], perSeed.Select(s => s.GetProperty("cam").GetProperty("r3d18")
                .GetProperty("methods")[0].GetProperty("PointingGame").GetDouble()));
            Assert.Equal([0.9, 0.8, 1.0], perSeed.Select(
                s => s.GetProperty("accuracy").GetProperty("cnn-lstm-attention").GetProperty("Accuracy").GetDouble()));
            Assert.Equal(0.9,
                seeds.GetProperty("accuracy").GetProperty("cnn-lstm-attention").GetProperty("mean").GetDouble(), 9);
            var claim = metrics.RootElement.GetProperty("claims").EnumerateArray().First();
            Assert.Equal("holds in 2 of 3 seeds; partly holds in 1", claim.GetProperty("SeedAgreement").GetString());
            Assert.Equal(3, claim.GetProperty("SeedVerdicts").GetArrayLength());
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void ClaimValuesFitATableCellAndTheirDetailsHaveATableOfTheirOwn()
    {
        var folder = Directory.CreateTempSubdirectory("claims-report").FullName;
        try
        {
            var ratios = Enumerable.Range(0, 40).Select(i => i < 25 ? 1.5 : 0.5).ToList();
            var odometry = TestFaithfulness.Of(ratios, flat: 4, rho: 0.7, flowTz: 1.8, flowRy: 0.9);
            var claims = StudyClaims.Assess(ThreeSeeds, odometry);
            Assert.All(claims, c => Assert.True(c.Value.Length <= MaxValueLength, $"{c.Statement}: {c.Value.Length}"));
            var page = Page(StudyReport.Write(Results(ThreeSeeds, [0.9, 0.8, 1.0]) with { Claims = claims }, folder));
            var odometryClaim = Find(claims, "Odometry");
            Assert.Contains($"{odometryClaim.Statement}: the numbers behind its value", page);
            Assert.Contains("<th>measurement</th><th>value</th>", page);
            Assert.All(odometryClaim.Details!, d => Assert.Contains(d.Value, page));
            Assert.Contains("the sanity check fails", page);                                     // why not "holds"
        }
        finally { Directory.Delete(folder, true); }
    }

    /// <summary>The longest claim value that still reads as a table cell.</summary>
    const int MaxValueLength = 300;

    [Fact]
    public void ReportShowsTheOdometryAteTableWithThePoseCeiling()
    {
        var folder = Directory.CreateTempSubdirectory("odometry-report").FullName;
        try
        {
            var results = Results([ThreeSeeds[0]], [0.9]) with
            {
                Odometry = new { },
                OdometryAte = [new("SfMLearner", 0.108, 0.035, 396),
                    new(VideoGradCam.Odometry.PoseCeiling.Method, 0.0911, 0.0311, 396),
                    new("zero motion", 0.451, 0.174, 396), new("mean training motion", 0.0955, 0.036, 396)],
            };
            var page = Page(StudyReport.Write(results, folder));
            Assert.Contains("<tr><td>PoseNet fitted to the true poses</td><td>0.0911 ± 0.0311</td><td>396</td></tr>",
                page);
            Assert.Contains("<tr><td>mean training motion</td><td>0.0955 ± 0.0360</td><td>396</td></tr>", page);
            Assert.True(page.IndexOf("<td>SfMLearner</td>") < page.IndexOf("<td>PoseNet fitted"));
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void ReportShowsTheOdometryFaithfulnessAsMeanSdOverNWithItsControlsInThePageAndMetrics()
    {
        var folder = Directory.CreateTempSubdirectory("faithfulness-report").FullName;
        try
        {
            var faithfulness = TestFaithfulness.Of(Enumerable.Range(0, 20).Select(i => i < 14 ? 1.5 : 0.5).ToList(),
                flat: 4, rho: 0.2, flowTz: 1.8);
            var results = Results([ThreeSeeds[0]], [0.9]) with { Odometry = new { }, Faithfulness = faithfulness,
                Claims = StudyClaims.Assess(ThreeSeeds[0], faithfulness) };
            var page = Page(StudyReport.Write(results, folder));
            Assert.Contains(
                "Negative-loss Grad-CAM at pose.conv3 (16×5 cells), on 24 of the 24 held-out snippets (4 with a flat " +
                "map left out)",
                page);
            Assert.Contains(
                "<td style=\"text-align:left\">faithfulness ratio</td><td>1.20 ± 0.47 (n = " +
                "20)</td><td>1.50</td><td>14/20</td>",
                page);
            Assert.Contains(
                "<td style=\"text-align:left\">random-map ratio</td><td>1.20 ± 0.47 (n = " +
                "20)</td><td>1.50</td><td>14/20</td>",
                page);
            Assert.Contains(
                "<td style=\"text-align:left\">sanity ρ</td><td>0.20 ± 0.00 (n = 20)</td><td>0.20</td><td>—</td>",
                page);
            Assert.Contains(
                "<td style=\"text-align:left\">flow energy, tz map, full motion</td><td>1.80 ± 0.00 (n = 20)</td>",
                page);
            Assert.Contains(
                "Both controls beaten (salient masking raises the loss more than random pixels and than the random " +
                "map) on 14/20 snippets",
                page);
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
            var f = metrics.RootElement.GetProperty("faithfulness");
            Assert.Equal("pose.conv3", f.GetProperty("Layer").GetString());
            Assert.Equal(20, f.GetProperty("ratio").GetProperty("N").GetInt32());
            Assert.Equal(14, f.GetProperty("beatBoth").GetInt32());
            Assert.True(f.GetProperty("sanityPasses").GetBoolean());
            Assert.Equal(24, f.GetProperty("snippets").GetArrayLength());
        }
        finally { Directory.Delete(folder, true); }
    }

    [Fact]
    public void ReportWithOneSeedHasNoSpread()
    {
        var folder = Directory.CreateTempSubdirectory("seeds-report").FullName;
        try
        {
            var page = Page(StudyReport.Write(Results([ThreeSeeds[0]], [0.9]), folder));
            Assert.DoesNotContain("±", page);
            Assert.Contains("value (this run)", page);
            // one seed is the default of the full profile from the shipped models: the command names no option
            Assert.Contains("by ./workspace reproduce on", page);
            Assert.DoesNotContain("--seeds", page);
            using var metrics = JsonDocument.Parse(File.ReadAllText(Path.Combine(folder, "metrics.json")));
            Assert.False(metrics.RootElement.TryGetProperty("seeds", out _));
        }
        finally { Directory.Delete(folder, true); }
    }
}
