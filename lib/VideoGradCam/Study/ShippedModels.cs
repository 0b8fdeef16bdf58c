using System.Security.Cryptography;
using System.Text.Json;
using TorchSharp;
using VideoGradCam.Models;
using VideoGradCam.Odometry;
using VideoGradCam.Odometry.Models;
using VideoGradCam.Runtime;
using VideoGradCam.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Study;

/// <summary>
/// The study's four models, trained once with the full profile and committed in <c>data/study-models/</c>: weights
/// only, in half precision, with a manifest that says how each was made (<see cref="ShippedModel"/>). The full
/// profile's first study seed starts from them instead of training: <see cref="Install"/> widens a model to float32
/// into its checkpoint folder, marked done under the code's recipe hash. A model whose recipe no longer hashes to the
/// manifest's is stale: it is said in one line and never installed.
/// </summary>
public static class ShippedModels
{
    /// <summary>The SfMLearner's name in the manifest (the classifiers go by their architecture).</summary>
    public static readonly string SfmName = ModelRegistry.SfmLearner.Name;

    /// <summary>The profile they were trained with.</summary>
    public const Profile TrainedProfile = Profile.Full;

    /// <summary>The four study models, in the order of the study's figures.</summary>
    public static IReadOnlyList<string> Names => [.. ClassifierSettings.StudyModels, SfmName];

    /// <summary><c>data/study-models</c> under the workspace root.</summary>
    public static string Folder() => Path.Combine(WorkspacePaths.Root(), "data", "study-models");

    const string ManifestFile = "manifest.json", SettingsFile = "settings.json";

    static readonly JsonSerializerOptions Json = JsonDefaults.CamelCase;

    /// <summary>The manifest, or null when the workspace has none.</summary>
    public static ShippedManifest? ReadManifest(string? folder = null)
    {
        var path = Path.Combine(folder ?? Folder(), ManifestFile);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<ShippedManifest>(File.ReadAllText(path), Json); }
        catch (JsonException e) { throw new InvalidDataException($"{path}: not a valid manifest: {e.Message}", e); }
    }

    /// <summary>What a study model's training depends on under this code: its cache key
    /// (<see cref="ClassifierStudy.TrainingKey"/>, <see cref="OdometryStudy.TrainingKey"/>).</summary>
    public static object Recipe(string name) => name == SfmName
        ? OdometryStudy.TrainingKey(TrainedProfile)
        : ClassifierStudy.TrainingKey(name, new StudyRun(TrainedProfile));

    /// <summary>The hash of <see cref="Recipe"/>: what the manifest's <see cref="ShippedRecipe.Hash"/> must equal.
    /// </summary>
    public static string RecipeHash(string name) => StepCache.Hash(Recipe(name));

    /// <summary>Why <paramref name="name"/>'s shipped model cannot be used with this code (no manifest entry, a file
    /// missing or changed, a recipe that hashes otherwise), or null when it can.</summary>
    public static string? Problem(string name, string? folder = null)
    {
        folder ??= Folder();
        var entry = ReadManifest(folder)?.Models.FirstOrDefault(m => m.Name == name);
        if (entry is null) return $"{Path.Combine(folder, ManifestFile)} lists no {name}";
        var weights = Path.Combine(folder, entry.Weights.File);
        if (entry.Weights.Parts.Select(p => Path.Combine(folder, p)).FirstOrDefault(p => !File.Exists(p)) is { } gone)
            return $"{gone} is missing";
        if (Convert.ToHexString(SHA256.HashData(Join(folder, entry.Weights))).ToLowerInvariant()
            != entry.Weights.Sha256)
            return $"{weights}: its parts do not join into the file the manifest names (SHA-256)";
        var hash = RecipeHash(name);
        return hash == entry.Recipe.Hash ? null
            : $"{name} was trained by another recipe (manifest {entry.Recipe.Hash}, this code {hash}): its weights " +
              "are stale; retrain it (reproduce --retrain) and ship again (ship-models)";
    }

    /// <summary>Makes <paramref name="checkpointFolder"/> hold <paramref name="name"/>'s model for the training step
    /// keyed by <paramref name="key"/>: true when it already does (installed before, or trained here by the same
    /// recipe) or the shipped model was installed now; false, with one line saying why, when the shipped model cannot
    /// be used (the caller then trains it). <paramref name="force"/> installs again.</summary>
    public static bool EnsureInstalled(string name, string checkpointFolder, object key, bool force = false)
    {
        if (!force && StepCache.IsDone(checkpointFolder, StepCache.Hash(key))) return true;
        if (Problem(name) is { } problem)
        {
            Console.Error.WriteLine($"shipped models: {problem}; training {name} here.");
            return false;
        }
        StepCache.Ensure(checkpointFolder, $"install shipped {name}", key, (dir, _) => Install(name, dir), force: true);
        return true;
    }

    /// <summary>Writes <paramref name="name"/>'s shipped model into <paramref name="checkpointFolder"/> as the
    /// trainer would have (classifier: checkpoint.json and model.pt; SfMLearner: its model file and history), in
    /// float32, with <see cref="ModelProvenance"/> beside it. The caller checked <see cref="Problem"/>.</summary>
    public static void Install(string name, string checkpointFolder)
    {
        var folder = Folder();
        var entry = ReadManifest(folder)!.Models.First(m => m.Name == name);
        var weights = ReadWeights(folder, entry.Weights);
        try
        {
            if (name == SfmName)
            {
                var settings = JsonSerializer.Deserialize<SfmSettings>(
                    File.ReadAllText(Path.Combine(folder, name, SettingsFile)), JsonDefaults.Compact)!;
                using var model = new SfmLearner(settings);
                StateDictLoader.LoadTensors(new SfmWeights(model), weights, entry.Weights.File);
                model.Save(Path.Combine(checkpointFolder, OdometryStudy.ModelFileName));
                File.Copy(Path.Combine(folder, name, OdometryStudy.HistoryFileName),
                    Path.Combine(checkpointFolder, OdometryStudy.HistoryFileName), overwrite: true);
            }
            else
            {
                var info = Checkpoint.ReadInfo(Path.Combine(folder, name));
                using var model = VideoModels.Create(info.Model);
                StateDictLoader.LoadTensors(model, weights, entry.Weights.File);
                Checkpoint.SaveInfo(checkpointFolder, info);
                Checkpoint.SaveWeights(checkpointFolder, model, Checkpoint.BestWeights);
            }
        }
        finally { foreach (var t in weights.Values) t.Dispose(); }
        ModelProvenance.Shipped(entry).Save(checkpointFolder);
    }

    /// <summary>The shipped SfMLearner's pose ceiling (<see cref="OdometryStudy.EnsureCeiling"/>, measured when it was
    /// shipped) when <paramref name="checkpointFolder"/> holds the shipped SfMLearner; else null.</summary>
    public static string? Ceiling(string checkpointFolder)
    {
        var file = Path.Combine(ModelFolder(SfmName), OdometryStudy.CeilingFileName);
        return ModelProvenance.Read(checkpointFolder)?.IsShipped == true && File.Exists(file)
            && Problem(SfmName) is null ? file : null;
    }

    /// <summary>The largest part a shipped weight file is stored in.</summary>
    public const int PartBytes = 1_900_000;

    /// <summary>Replaces <paramref name="file"/> by its parts (<c>file.part1</c>, <c>file.part2</c>, ...) of at most
    /// <see cref="PartBytes"/>; returns their paths relative to <paramref name="folder"/>, in order.</summary>
    public static IReadOnlyList<string> StoreInParts(string file, string folder)
    {
        var bytes = File.ReadAllBytes(file);
        var parts = new List<string>();
        for (int start = 0, k = 1; start < bytes.Length; start += PartBytes, k++)
        {
            var part = $"{file}.part{k}";
            AtomicFile.WriteAllBytes(part, bytes[start..Math.Min(bytes.Length, start + PartBytes)]);
            parts.Add(Path.GetRelativePath(folder, part));
        }
        File.Delete(file);
        return parts;
    }

    static byte[] Join(string folder, ShippedWeights weights) =>
        weights.Parts.SelectMany(p => File.ReadAllBytes(Path.Combine(folder, p))).ToArray();

    /// <summary>Reads a shipped weight file (its parts joined) widened to float32.</summary>
    static Dictionary<string, Tensor> ReadWeights(string folder, ShippedWeights shipped)
    {
        var joined = Path.Combine(Path.GetTempPath(), $"shipped-{Guid.NewGuid():N}.pt");
        File.WriteAllBytes(joined, Join(folder, shipped));
        Dictionary<string, Tensor> weights;
        try { weights = StateDictLoader.Read(joined); }
        finally { File.Delete(joined); }
        foreach (var key in weights.Keys.ToList())
        {
            if (weights[key].dtype != ScalarType.Float16) continue;
            var wide = weights[key].to(ScalarType.Float32);
            weights[key].Dispose();
            weights[key] = wide;
        }
        return weights;
    }

    /// <summary>Converts <paramref name="module"/> to half precision (floating parameters and buffers; integers such as
    /// batch-norm counters stay) and writes its state_dict to <paramref name="path"/>. The module stays in half
    /// precision: pass one that is not used afterwards. Refuses a tensor that half precision cannot hold.</summary>
    public static void SaveHalf(nn.Module module, string path)
    {
        module.half();
        if (FiniteCheck.FirstNonFinite(module.state_dict()) is { } key)
            throw new InvalidDataException($"{path}: '{key}' does not fit half precision (beyond ±65504).");
        StateDictLoader.Save(module, path);
    }

    /// <summary>The SHA-256 of a file, lower-case hex.</summary>
    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexString(SHA256.HashData(stream)).ToLowerInvariant();
    }

    /// <summary>Writes the manifest atomically.</summary>
    public static void WriteManifest(string folder, ShippedManifest manifest) =>
        AtomicFile.WriteAllText(Path.Combine(folder, ManifestFile), JsonSerializer.Serialize(manifest, Json));

    /// <summary>Where a shipped model's extra files live: <c>data/study-models/&lt;name&gt;/</c>.</summary>
    public static string ModelFolder(string name, string? folder = null) => Path.Combine(folder ?? Folder(), name);

    /// <summary>The SfMLearner settings file of a shipped model folder.</summary>
    public static string SettingsPath(string modelFolder) => Path.Combine(modelFolder, SettingsFile);

    /// <summary>SfMLearner's two networks as one module, so that its weights are one state_dict with the keys
    /// "DepthNet.*" and "PoseNet.*" (the names its checkpoint checks use).</summary>
    public sealed class SfmWeights : nn.Module
    {
        readonly DispNetS DepthNet;
        readonly PoseExpNet PoseNet;

        public SfmWeights(SfmLearner model) : base(nameof(SfmLearner))
        {
            DepthNet = model.DepthNet;
            PoseNet = model.PoseNet;
            RegisterComponents();
        }
    }
}
