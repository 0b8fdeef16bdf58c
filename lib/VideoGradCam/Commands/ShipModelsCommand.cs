using System.Text.Json;
using VideoGradCam.Models;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Training;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace ship-models</c>: for maintainers. Stores the full profile's study checkpoints (trained by
/// <c>reproduce --retrain</c>) in <c>data/study-models/</c> in half precision, with a manifest: recipe and its hash,
/// seed, commit, training time, and the metrics of the float32 models measured now. Refuses a checkpoint whose
/// recipe is not the code's.</summary>
public static class ShipModelsCommand
{
    public static readonly Verb Verb = new("ship-models",
        "maintainers: store the full profile's trained study models in data/study-models (half precision, manifest)",
        [
            Opt.Computed("from", "the artifacts folder holding checkpoints/<model>-full", "DIR", "artifacts"),
            Opt.Value("commit", "the commit the models were trained at", "SHA", (string?)null),
        ], Run);

    static int Run(Args a)
    {
        var from = Path.Combine(a.String("from", WorkspacePaths.Artifacts()), "checkpoints");
        var commit = a.Required("commit");
        var profile = ShippedModels.TrainedProfile;
        var target = ShippedModels.Folder();
        var staging = target + ".partial";
        if (Directory.Exists(staging)) Directory.Delete(staging, recursive: true);
        Directory.CreateDirectory(staging);
        var models = new List<ShippedModel>();
        foreach (var name in ShippedModels.Names)
        {
            var folder = Path.Combine(from, $"{name}-{profile.Name()}");
            var marker = StepCache.ReadMarker(folder) ?? throw new InvalidDataException(
                $"{folder}: no finished training there (train it with ./workspace reproduce --retrain).");
            var hash = ShippedModels.RecipeHash(name);
            if (marker.ConfigHash != hash) throw new InvalidDataException(
                $"{folder}: trained by another recipe ({marker.ConfigHash}; this code's is {hash}): retrain it.");
            var own = ShippedModels.ModelFolder(name, staging);
            Directory.CreateDirectory(own);
            var (metrics, seed) =
                name == ShippedModels.SfmName ? ShipSfm(folder, own) : ShipClassifier(name, folder, own);
            var weights = Path.Combine(own, "model.pt");
            var (sha, bytes) = (ShippedModels.Sha256(weights), new FileInfo(weights).Length);
            models.Add(new ShippedModel(name,
                new ShippedWeights(Path.GetRelativePath(staging, weights), sha, bytes, "float16",
                    ShippedModels.StoreInParts(weights, staging)),
                new ShippedRecipe(JsonSerializer.SerializeToElement(ShippedModels.Recipe(name), JsonDefaults.Compact),
                    hash, seed),
                new ShippedTraining(commit, marker.FinishedUtc, Math.Round(marker.Seconds, 1),
                    ConvolutionVerdict.Cpu()),
                metrics));
            Console.WriteLine($"ship-models: {name}: {bytes / 1e6:0.0} MB, " +
                string.Join(", ", metrics.Select(m => $"{m.Key} {m.Value:0.0000}")));
        }
        ShippedModels.WriteManifest(staging, new ShippedManifest(profile.Name(), "./workspace reproduce --retrain",
            models));
        if (Directory.Exists(target)) Directory.Delete(target, recursive: true);
        Directory.Move(staging, target);
        Console.WriteLine($"ship-models: {target} ({models.Sum(m => m.Weights.Bytes) / 1e6:0.0} MB of weights)");
        return 0;
    }

    static (Dictionary<string, double>, int) ShipClassifier(string name, string folder, string own)
    {
        var dataRoot = StudyData.Synthetic.EnsureActions(ShippedModels.TrainedProfile);
        var report = ClassifierStudy.Evaluate(folder, dataRoot);
        var loaded = Checkpoint.Load(folder, name);
        File.Copy(Path.Combine(folder, Checkpoint.InfoFile), Path.Combine(own, Checkpoint.InfoFile));
        using (var model = loaded.Model) ShippedModels.SaveHalf(model, Path.Combine(own, "model.pt"));
        return (new Dictionary<string, double> { ["testAccuracy"] = report.Accuracy, ["testLoss"] = report.Loss,
            ["bestValidationLoss"] = loaded.Info.BestValLoss }, loaded.Info.Options.Seed);
    }

    static (Dictionary<string, double>, int) ShipSfm(string folder, string own)
    {
        var file = Path.Combine(folder, OdometryStudy.ModelFileName);
        var dataRoot = OdometryStudy.EnsureData(ShippedModels.TrainedProfile);
        var evaluation = OdometryStudy.Evaluate(file, dataRoot);
        var metrics = evaluation.Ate.ToDictionary(r => $"ate {r.Method}", r => r.Mean);
        if (evaluation.Depth is { } d) { metrics["depthAbsRel"] = d.AbsRel; metrics["depthRmse"] = d.Rmse; }
        // The pose ceiling (a PoseNet fitted to the true poses in the same budget) ships beside it.
        var ceiling = OdometryStudy.EnsureCeiling(file, dataRoot, OdometryStudy.TrainingOptions(
            ShippedModels.TrainedProfile)) ?? throw new InvalidDataException($"{dataRoot}: no ground-truth poses.");
        metrics["ate pose ceiling"] = ceiling.HeldOutAte.First(r => r.Method == PoseCeiling.Method).Mean;
        File.Copy(Path.Combine(folder + "-pose-ceiling", OdometryStudy.CeilingFileName),
            Path.Combine(own, OdometryStudy.CeilingFileName));
        using var model = SfmLearner.Load(file);
        File.WriteAllText(ShippedModels.SettingsPath(own),
            JsonSerializer.Serialize(model.Settings, JsonDefaults.Compact));
        File.Copy(Path.Combine(folder, OdometryStudy.HistoryFileName),
            Path.Combine(own, OdometryStudy.HistoryFileName));
        ShippedModels.SaveHalf(new ShippedModels.SfmWeights(model), Path.Combine(own, "model.pt"));
        return (metrics, OdometryStudy.TrainingOptions(ShippedModels.TrainedProfile).Seed);
    }
}
