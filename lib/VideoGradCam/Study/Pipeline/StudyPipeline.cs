using System.Diagnostics;
using Plotly.NET;
using VideoGradCam.Cam;
using VideoGradCam.Cam.Evaluation;
using VideoGradCam.Models;
using VideoGradCam.Odometry;
using VideoGradCam.Plots;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using VideoGradCam.Video;

namespace VideoGradCam.Study.Pipeline;

/// <summary>
/// <c>./workspace reproduce</c>: the whole study in order, each step reused when its outputs are up to date (data by
/// seed and size, checkpoints and measurements by configuration hash) and resumed when it was interrupted:
/// generate data, train the three video classifiers and SfMLearner, evaluate, measure Grad-CAM, execute every
/// notebook headless, write the report.
/// </summary>
public static class StudyPipeline
{
    public sealed record Outcome(string Report, IReadOnlyList<NotebookRunner.Outcome> Notebooks,
        IReadOnlyList<StepTiming> Steps);

    /// <summary>Training seeds per video classifier in the full profile (<c>reproduce --profile full</c> without
    /// <c>--seeds</c>): the claims table then shows the spread over seeds. Each extra seed adds one seed's classifier
    /// training and measurements (see environment.md for the time).</summary>
    public const int FullProfileSeeds = 2;

    /// <summary>Training seeds <c>reproduce</c> uses without <c>--seeds</c>: 1 in quick, <see cref="FullProfileSeeds"/>
    /// in full.</summary>
    public static int DefaultSeeds(Profile profile) => profile == Profile.Full ? FullProfileSeeds : 1;

    /// <summary>Training seeds without <c>--seeds</c> for a run: 1 when it starts from the shipped models (one seed
    /// was shipped), otherwise <see cref="DefaultSeeds(Profile)"/>.</summary>
    public static int DefaultSeeds(Profile profile, StudyData data, bool retrain) =>
        new StudyRun(profile, data, Retrain: retrain).UsesShippedModels ? 1 : DefaultSeeds(profile);

    /// <summary>Where the test accuracy of study seed <paramref name="seed"/>'s checkpoint is cached: seed 0 in
    /// <c>evaluations/&lt;arch&gt;-&lt;profile&gt;</c>, seed k in
    /// <c>evaluations/&lt;arch&gt;-&lt;profile&gt;-seed&lt;k&gt;</c>.</summary>
    public static string AccuracyFolder(string architecture, Profile profile, int seed = 0) =>
        Path.Combine(WorkspacePaths.Artifacts(), "evaluations", $"{architecture}-{profile.Name()}")
            + ClassifierStudy.SeedSuffix(seed);

    /// <param name="data">the data to run on (default: the synthetic sets). Real data's outputs belong in their own
    /// artifacts root: call <see cref="StudyData.Apply"/> first (as <c>reproduce --data</c> does).</param>
    /// <param name="seeds">training seeds per video classifier (default
    /// <see cref="DefaultSeeds(Profile, StudyData, bool)"/>): seed k trains with
    /// <c>ClassifierSettings.Seed + 1000·k</c> on the same data and split and is measured like seed 0 (accuracy,
    /// Grad-CAM metrics, attention); the claims show the mean and spread. Seed 0 is the single-seed run (same folders
    /// and caches); figures and notebooks use it. SfMLearner is trained once.</param>
    /// <param name="retrain">train the full profile's models here instead of starting from the shipped ones.</param>
    public static Outcome Run(Profile profile, bool force = false, bool runNotebooks = true, StudyData? data = null,
        int? seeds = null, bool retrain = false)
    {
        data ??= StudyData.Synthetic;
        int n = seeds ?? DefaultSeeds(profile, data, retrain);
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(seeds), n, "At least one training seed.");
        string Seeded(string name, int k) => n == 1 ? name : $"{name} (seed {k})";
        var steps = new List<StepTiming>();
        T Step<T>(string name, Func<T> work)
        {
            Console.WriteLine($"reproduce: {name} ...");
            var clock = Stopwatch.StartNew();
            StepCache.TakeReusedSeconds();
            var value = work();
            var reused = StepCache.TakeReusedSeconds();
            steps.Add(new StepTiming(name, clock.Elapsed.TotalSeconds, clock.Elapsed.TotalSeconds >= 1, reused));
            Console.WriteLine($"reproduce: {name}: {clock.Elapsed.TotalSeconds:0.0} s");
            return value;
        }

        var run = new StudyRun(profile, data, Seed: 0, force, retrain);
        var actions = Step(data.ActionsRoot is null ? "synthetic actions"
            : $"{data.ActionsName} actions ({data.ActionsRoot})", () => data.EnsureActions(profile));
        var odometryData = Step(data.OdometryRoot is null ? "synthetic odometry sequences"
            : $"KITTI odometry ({data.OdometryRoot})", () => data.EnsureOdometry(profile));
        var checkpoints = ClassifierSettings.StudyModels.ToDictionary(a => a,
            a => Step(Seeded(run.UsesShippedModels ? $"shipped {a}" : $"train {a}", 0),
                () => ClassifierStudy.EnsureTrained(a, run)));
        var sfm = Step(run.UsesShippedModels ? "shipped SfMLearner" : "train SfMLearner",
            () => data.EnsureSfm(profile, force, retrain));
        var accuracy = ClassifierSettings.StudyModels.ToDictionary(a => a,
            a => Step(Seeded($"evaluate {a}", 0), () => EnsureAccuracy(a, checkpoints[a], actions, profile)));
        var cam = ClassifierSettings.StudyModels.ToDictionary(a => a,
            a => Step(Seeded($"Grad-CAM metrics {a}", 0), () => CamStudyEvaluations.Ensure(a, run)));
        // Extra seeds: train and measure only (each step cached in its own -seed<k> folder); seed 0 above is the
        // single-seed run.
        var accuracyBySeed = new List<IReadOnlyDictionary<string, EvaluationReport>> { accuracy };
        var camBySeed = new List<IReadOnlyDictionary<string, CamEvaluation>> { cam };
        for (int k = 1; k < n; k++)
        {
            var (seedAccuracy, seedCam) =
                (new Dictionary<string, EvaluationReport>(), new Dictionary<string, CamEvaluation>());
            foreach (var a in ClassifierSettings.StudyModels)
            {
                var checkpoint = Step(Seeded($"train {a}", k), () => ClassifierStudy.EnsureTrained(a, run.WithSeed(k)));
                seedAccuracy[a] =
                    Step(Seeded($"evaluate {a}", k), () => EnsureAccuracy(a, checkpoint, actions, profile, k));
                seedCam[a] =
                    Step(Seeded($"Grad-CAM metrics {a}", k), () => CamStudyEvaluations.Ensure(a, run.WithSeed(k)));
            }
            accuracyBySeed.Add(seedAccuracy);
            camBySeed.Add(seedCam);
        }
        var odometry = Step("evaluate SfMLearner and its saliency", () => OdometryPart(sfm, odometryData, profile));
        var figures = Step("study figures", () => Figures(profile, data, actions, odometry));
        var notebooks = runNotebooks
            ? Step("notebooks", () => RunNotebooks(profile, force, data: data, retrain: retrain)) : [];

        var claims = StudyClaims.Assess(camBySeed, odometry.Faithfulness, data.ActionsDescription);
        var results = new StudyResults
        {
            Data = data,
            Profile = profile, Cam = cam, Accuracy = accuracy, Claims = claims, Figures = figures,
            Faithfulness = odometry.Faithfulness, Odometry = odometry.Summary, OdometryAte = odometry.Ate,
                Steps = steps,
            Notebooks = notebooks.Select(nb => (nb.Notebook, nb.Passed, nb.Duration.TotalSeconds)).ToList(),
            CamBySeed = n > 1 ? camBySeed : [], AccuracyBySeed = n > 1 ? accuracyBySeed : [],
            Models = [.. checkpoints.Select(c => (c.Key, ModelProvenance.Read(c.Value))),
                (ShippedModels.SfmName, ModelProvenance.Read(Path.GetDirectoryName(sfm)!))],
            Retrained = retrain && profile == ShippedModels.TrainedProfile,
        };
        var html = StudyReport.Write(results);
        var pngs = Step("report figures to PNG", () => StudyReport.RenderPngs(html));
        html = StudyReport.Write(results with { Steps = steps });
        Console.WriteLine(
            $"reproduce: report {html} ({pngs.Count} PNG figures), metrics " +
            $"{Path.Combine(Path.GetDirectoryName(html)!, "metrics.json")}");
        foreach (var c in claims) Console.WriteLine($"  [{c.Verdict}] {c.Statement}: {c.Value}"
            + (c.SeedAgreement is { } agreement ? $" ({agreement})" : ""));
        return new Outcome(html, notebooks, steps);
    }

    /// <summary>What the report takes from the odometry study: ATE and depth errors, the ATE table with the pose
    /// ceiling, the faithfulness of the regression maps (what the odometry claim reads), two figures.</summary>
    public sealed record OdometryReport(object Summary, IReadOnlyList<AteRow> Ate,
        IReadOnlyList<(string, string, GenericChart)> Figures,
        OdometryFaithfulness? Faithfulness = null);

    static OdometryReport OdometryPart(string checkpoint, string dataRoot, Profile profile)
    {
        // Evaluation and conv7's faithfulness are cached beside the other measurements, keyed by the trained checkpoint
        // and the code. conv7 is a reference only (a constant map at the profiles' sizes); the faithfulness the claim
        // rests on is OdometryStudy.EnsureFaithfulness's, cached beside the checkpoint so notebook 06 shows the same.
        var folder = Path.Combine(WorkspacePaths.Artifacts(), "odometry-eval", profile.Name());
        var marker = Path.Combine(Path.GetDirectoryName(checkpoint)!, StepCache.MarkerName);
        var config = StepCache.CodeKey(new { checkpoint = File.ReadAllText(marker) });
        StepCache.Ensure(folder, "evaluate SfMLearner", config, (dir, _) =>
        {
            Save(Path.Combine(dir, "evaluation.json"), OdometryStudy.Evaluate(checkpoint, dataRoot));
            Save(Path.Combine(dir, "faithfulness-conv7.json"), OdometryStudy.Faithfulness(checkpoint, dataRoot,
                SfmCamModel.PoseLayer, snippets: 4, sanity: false, flow: false));
        }, unusable: dir => NonFiniteAte(Path.Combine(dir, "evaluation.json")));
        var evaluation = Load<OdometryEvaluation>(Path.Combine(folder, "evaluation.json"));
        var faithfulnessConv7 = Load<OdometryFaithfulness>(Path.Combine(folder, "faithfulness-conv7.json"));
        var faithfulness = OdometryStudy.EnsureFaithfulness(checkpoint, dataRoot, profile);
        // What the same PoseNet reaches in the same budget when fitted to the true poses: how far SfMLearner could get.
        var ceiling = OdometryStudy.EnsureCeiling(checkpoint, dataRoot, OdometryStudy.TrainingOptions(profile));
        var explanation = OdometryStudy.Explain(checkpoint, dataRoot);
        var figures = new List<(string, string, GenericChart)>
        {
            ("Visual odometry saliency (SfMLearner)",
             "A held-out snippet's target frame, predicted depth, the negative-loss Grad-CAM maps (PoseNet and " +
             "DepthNet layers), " +
             "per-DoF maps and the photometric error map.", OdometryPlots.SaliencyPanel(explanation)),
        };
        figures.AddRange(evaluation.Trajectories.Take(1).Select(t => ("Trajectory on a held-out sequence (top view)",
            "Predicted trajectory (5-frame snippets chained, least-squares scale) against the ground truth.",
                OdometryPlots.Trajectory(t))));
        var summary = new
        {
            ate = evaluation.Ate, depth = evaluation.Depth, evaluation.Sequences, evaluation.SnippetLength,
                agreement = evaluation.Agreement,
            meanMotionMisses = evaluation.MeanMotionMisses, spacing = evaluation.Spacing,
            poseCeiling = ceiling is null ? null : new { ceiling.Steps, ceiling.Seconds, ate = ceiling.HeldOutAte,
                agreement = ceiling.HeldOutAgreement, spacing = ceiling.HeldOutSpacing },
            faithfulness = new[] { faithfulness, faithfulnessConv7 }.Select(FaithfulnessSummary),
        };
        var ate = evaluation.Ate.ToList();
        if (ceiling is not null) ate.Insert(Math.Min(1, ate.Count),
            ceiling.HeldOutAte.First(r => r.Method == PoseCeiling.Method));
        return new OdometryReport(summary, ate, figures, faithfulness);
    }

    /// <summary>One layer's faithfulness as metrics.json and odometry.json show it: the spreads, then every
    /// snippet.</summary>
    public static object FaithfulnessSummary(OdometryFaithfulness f) => new
    {
        f.Layer, layerCells = new { height = f.LayerHeight, width = f.LayerWidth }, f.Fraction, f.FlatMaps,
            measured = f.Snippets.Count, f.HeldOutSnippets, f.Seconds,
        ratio = f.Ratio, ratioRandomMap = f.RatioRandomMap, ratioShifted = f.RatioShifted, ratioLeast = f.RatioLeast,
            ratioTopBottom = f.RatioTopBottom, beatBoth = f.BeatBoth, comparedWithBoth = f.ComparedWithBoth,
        sanityRho = f.SanityRho, sanityAbsRho = f.SanityAbsRho, sanityPasses = f.SanityPasses,
            sanityThreshold = PoseNetRandomisation.Threshold,
        f.DofLayer, flowFullMotion = f.FlowFullMotion, flowDofAlone = f.FlowDofAlone,
        snippets = f.Snippets.Select(s => new { s.Sequence, s.Frame, s.FlatMap, s.Result.Ratio, s.Result.RatioRandomMap,
            s.Result.RatioShifted, s.Result.RatioLeast, s.Result.RatioTopBottom, s.SanityRho, s.Flow }),
    };

    static readonly System.Text.Json.JsonSerializerOptions CacheJson = JsonDefaults.Compact;

    static void Save<T>(string path, T value) =>
        AtomicFile.WriteAllText(path, System.Text.Json.JsonSerializer.Serialize(value, CacheJson));

    static T Load<T>(string path) => System.Text.Json.JsonSerializer.Deserialize<T>(File.ReadAllText(path), CacheJson)
        ?? throw new InvalidDataException($"{path}: empty.");

    /// <summary>Why a cached odometry evaluation cannot be reused: an ATE that is NaN or infinite.</summary>
    static string? NonFiniteAte(string path) =>
        Load<OdometryEvaluation>(path).Ate.FirstOrDefault(r => !double.IsFinite(r.Mean)) is { } row
            ? $"{path}: the ATE of {row.Method} is {FiniteCheck.Kind(row.Mean)}" : null;

    /// <summary>Why a cached test evaluation cannot be reused: its accuracy or loss is NaN or infinite.</summary>
    static string? NonFiniteAccuracy(string path)
    {
        var report = EvaluationReport.FromJson(File.ReadAllText(path));
        return !double.IsFinite(report.Accuracy) ? $"{path}: the accuracy is {FiniteCheck.Kind(report.Accuracy)}"
             : !double.IsFinite(report.Loss) ? $"{path}: the loss is {FiniteCheck.Kind(report.Loss)}" : null;
    }

    /// <summary>Test accuracy of a checkpoint, cached beside the other measurements.</summary>
    static EvaluationReport EnsureAccuracy(string architecture, string checkpoint, string dataRoot, Profile profile,
        int seed = 0)
    {
        var folder = AccuracyFolder(architecture, profile, seed);
        var config = new { checkpoint = StepCache.Hash(File.ReadAllText(Path.Combine(checkpoint, Checkpoint.InfoFile))),
            dataRoot };
        StepCache.Ensure(folder, seed == 0 ? $"evaluate {architecture}" : $"evaluate {architecture} (seed {seed})",
            config,
            (dir, _) => ClassifierStudy.Evaluate(checkpoint, dataRoot).Save(Path.Combine(dir, "test.json")),
            unusable: dir => NonFiniteAccuracy(Path.Combine(dir, "test.json")));
        return EvaluationReport.FromJson(File.ReadAllText(Path.Combine(folder, "test.json")));
    }

    /// <summary>The study's figures from this run's models: clap with and without attention, wave for wave and for
    /// smile, the 3D net for the true and another class, the odometry saliency. Targets are named by class (the true
    /// class of a clip of class c is c), so real clips without annotations work too.</summary>
    public static List<(string, string, GenericChart)> Figures(Profile profile, StudyData data, string dataRoot,
        OdometryReport odometry)
    {
        var models = ClassifierSettings.StudyModels.ToDictionary(a => a,
            a => Checkpoint.Load(ClassifierStudy.CheckpointFolder(a, profile)));
        var test = ClassifierStudy.Split(VideoDataset.FromFolders(dataRoot)).Test;
        string Clip(string label) => test.Items.First(i => test.ClassNames[i.Label] == label).Path;
        CamSettings Settings(string a) => new(Layer: ClassifierSettings.For(a, profile).CamLayer);
        var figures = new List<(string, string, GenericChart)>();

        var clap = Clip("clap");
        var clapRows = new[] { ModelRegistry.CnnLstm.Name, ModelRegistry.CnnLstmAttention.Name }.Select(
            a => (a, e: CamStudy.Explain(models[a], clap, "clap", Settings(a)))).ToList();
        figures.Add(("CNN-LSTM with and without attention on a 'clap' clip",
            "Grad-CAM (true class) per frame; top: CNN-LSTM, bottom: CNN-LSTM with temporal attention. Red = high.",
            CamComparisonPlot.Strips(clapRows.Select(r => r.e.RowWithPrediction()).ToList(), clapRows[0].e.SourceFrames,
                ClipExplanation.StripTitle(clapRows.Select(r => r.e).ToList()))));
        var att = clapRows[1].e;
        figures.Add(("Attention weights and Grad-CAM importance over time ('clap')",
            "Attention weights of the attention model and each model's per-frame Grad-CAM importance" +
            (data.HasGroundTruth ? "; shaded: the ground-truth relevant frames."
                : $" ({data.ActionsDescription} has no ground-truth relevant frames)."),
            CamComparisonPlot.Curves([("attention weights", att.Attention!), .. clapRows.Select(r =>
                ($"{r.a} Grad-CAM", r.e.FrameImportance))], att.Relevant, Path.GetFileName(clap), "weight / share")));

        var wave = Clip("wave");
        foreach (var target in new[] { "wave", "smile" })
        {
            var rows = ClassifierSettings.StudyModels.Select(
                a => (a, e: CamStudy.Explain(models[a], wave, target, Settings(a)))).ToList();
            figures.Add(($"A 'wave' clip explained for '{target}'",
                $"Grad-CAM for the class '{target}' by the three models (rows). The study asked whether other-class " +
                "maps are meaningful.",
                CamComparisonPlot.Strips(rows.Select(r => r.e.RowWithTargetProbability()).ToList(),
                    rows[0].e.SourceFrames, ClipExplanation.StripTitle(rows.Select(r => r.e).ToList()))));
            foreach (var r in rows) r.e.Dispose();
        }

        var drink = Clip("drink");
        var r3dRows = new[] { "drink", "smile" }.Select(t =>
            CamStudy.Explain(models[ModelRegistry.R3D18.Name], drink, t, Settings(ModelRegistry.R3D18.Name))).ToList();
        figures.Add(("3D ResNet: true class and another class",
            "R3D-18 Grad-CAM on a 'drink' clip: for its true class (top) and for 'smile' (bottom); time recovered by " +
            "trilinear upsampling.",
            CamComparisonPlot.Strips(r3dRows.Select(e =>
                ($"{e.Model}\nfor '{e.Target}'\np({e.Target}) {e.TargetProbability:0.00}", e.Overlays())).ToList(),
                    r3dRows[0].SourceFrames, ClipExplanation.StripTitle(r3dRows))));
        foreach (var e in r3dRows.Concat(clapRows.Select(r => r.e))) e.Dispose();
        foreach (var m in models.Values) m.Model.Dispose();

        figures.AddRange(odometry.Figures);
        return figures;
    }

    /// <summary>Executes every notebook headless (or those whose name contains <paramref name="only"/>); a notebook is
    /// re-run only when it, the bootstrap or the study's outputs changed, or when <paramref name="force"/>.</summary>
    /// <param name="data">the data the notebooks run on (default: synthetic); they read it with
    /// <see cref="StudyData.Current"/>.</param>
    /// <param name="retrain">the run trained the full profile's models here: the notebooks use them ("full"), not the
    /// shipped ones (<see cref="ModelChoice"/>).</param>
    public static List<NotebookRunner.Outcome> RunNotebooks(Profile profile, bool force = false, string? only = null,
        StudyData? data = null, bool retrain = false)
    {
        data ??= StudyData.Current();
        var environment = new Dictionary<string, string>(data.EnvironmentVariables())
        {
            [ModelChoice.EnvironmentVariable] = ModelChoice.For(profile, retrain),
        };
        var outFolder = Path.Combine(WorkspacePaths.Artifacts(), "notebooks");
        var upstream = Directory.Exists(WorkspacePaths.Artifacts())
            ? Directory.EnumerateFiles(WorkspacePaths.Artifacts(), StepCache.MarkerName, SearchOption.AllDirectories)
                .Where(f => !f.StartsWith(outFolder + Path.DirectorySeparatorChar, StringComparison.Ordinal))
                .Where(f => !data.IsSynthetic || !f.Contains(Path.Combine("artifacts", "notebooks")))
                .Where(f => !data.IsSynthetic || !StudyData.IsDataRootName(
                    Path.GetRelativePath(WorkspacePaths.Artifacts(), f).Split(Path.DirectorySeparatorChar)[0]))
                .Where(f => !IsExtraSeedFolder(Path.GetDirectoryName(f)!))
                .Order().Select(File.ReadAllText).ToList()
            : [];
        var bootstrap = File.ReadAllText(Path.Combine(WorkspacePaths.Notebooks(), "bootstrap.dib"));
        // The library the notebooks load: a notebook's outputs change with it (builds are deterministic: same sources,
        // same bytes).
        var library = Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(
            File.ReadAllBytes(typeof(StudyPipeline).Assembly.Location)))[..12];
        var notebooks = NotebookRunner.All().Where(n => only is null || Path.GetFileName(n).Contains(only)).ToList();
        if (notebooks.Count == 0) throw new ArgumentException($"No notebook matches '{only}'.");
        using var progress = new Progress($"notebooks ({profile.Name()})", notebooks.Count);
        NotebookRunner.Outcome RunOne(string nb)
        {
            var name = Path.GetFileName(nb);
            if (!data.HasGroundTruth && NotebookRunner.NeedsGroundTruth(nb))
            {
                progress.Advance($"{name} skipped: it teaches on the synthetic set's ground truth");
                return new NotebookRunner.Outcome(name, true, "", TimeSpan.Zero, null,
                    $"skipped on {data.Name}: no ground truth");
            }
            var cache = Path.Combine(outFolder, ".cache", Path.GetFileNameWithoutExtension(nb));
            var baseConfig = new { notebook = NotebookOutputs.SourcesHash(nb), bootstrap =
                StepCache.Hash(bootstrap), profile = profile.Name(), upstream = StepCache.Hash(upstream), kernel =
                NotebookRunner.Kernel, library };
            object config = data.IsSynthetic ? new { baseConfig, models = environment[ModelChoice.EnvironmentVariable] }
                : new { baseConfig, data = data.EnvironmentVariables() };
            NotebookRunner.Outcome? outcome = null;
            progress.Status($"running {name}");
            try
            {
                StepCache.Ensure(cache, $"notebook {name}", config, (_, _) =>
                {
                    outcome = NotebookRunner.Run(nb, outFolder, profile, environment: environment);
                    if (!outcome.Passed) throw new NotebookFailedException(outcome);
                }, force);
            }
            catch (NotebookFailedException failed)
            {
                outcome = failed.Outcome;
                Console.Error.WriteLine($"\n{name} FAILED: {outcome.Failure}");
            }
            outcome ??=
                new NotebookRunner.Outcome(name, true, Path.Combine(outFolder, name), TimeSpan.Zero, null, "reused");
            progress.Advance($"{name} {(outcome.Passed ? "ok" : "FAILED")} in {outcome.Duration.TotalSeconds:0}s");
            return outcome;
        }
        // One kernel at a time: kernels started together can die before their first reply.
        return notebooks.Select(RunOne).ToList();
    }

    /// <summary>True for an extra training seed's folder (<c>&lt;arch&gt;-&lt;profile&gt;-seed&lt;k&gt;</c>): the
    /// notebooks use seed 0 only, so those folders are not among their inputs.</summary>
    public static bool IsExtraSeedFolder(string folder) =>
        System.Text.RegularExpressions.Regex.IsMatch(Path.GetFileName(folder), @"-seed[1-9][0-9]*$");

    /// <summary>Stops the notebook's step from being marked done; caught by the caller of
    /// <see cref="StepCache.Ensure"/>.</summary>
    sealed class NotebookFailedException(NotebookRunner.Outcome outcome) : Exception(outcome.Failure)
    {
        public NotebookRunner.Outcome Outcome { get; } = outcome;
    }
}
