using System.Text.Json;

namespace VideoGradCam.Study;

/// <summary><c>data/study-models/manifest.json</c>: the shipped study models and how to make them again.</summary>
/// <param name="Profile">the profile they were trained with.</param>
/// <param name="Retrain">the command that trains them here instead.</param>
public sealed record ShippedManifest(string Profile, string Retrain, IReadOnlyList<ShippedModel> Models);

/// <summary>One shipped model: its weights, the recipe that trained them, the training run, and what was measured
/// right after training (the float32 model, before it was stored in half precision).</summary>
/// <param name="Name">an architecture of the registry, or <see cref="ShippedModels.SfmName"/>.</param>
/// <param name="Metrics">by name: test accuracy for a classifier; ATE and depth errors for SfMLearner.</param>
public sealed record ShippedModel(string Name, ShippedWeights Weights, ShippedRecipe Recipe,
    ShippedTraining Training, IReadOnlyDictionary<string, double> Metrics);

/// <param name="File">the state_dict's name, relative to the manifest's folder; <paramref name="Sha256"/> and
/// <paramref name="Bytes"/> are the whole file's.</param>
/// <param name="Parts">the file in order, in parts of at most <see cref="ShippedModels.PartBytes"/> (the repository
/// keeps every file under 2 MB): their bytes joined are the state_dict.</param>
/// <param name="Precision">float16: the floating tensors as stored (loading widens them to float32).</param>
public sealed record ShippedWeights(string File, string Sha256, long Bytes, string Precision,
    IReadOnlyList<string> Parts);

/// <param name="Key">the training step's cache key as JSON: settings, data identity, seeds.</param>
/// <param name="Hash">the key's hash (<see cref="ShippedModels.RecipeHash"/>): a test fails when the code's recipe
/// hashes otherwise.</param>
/// <param name="Seed">the training seed.</param>
public sealed record ShippedRecipe(JsonElement Key, string Hash, int Seed);

/// <param name="Commit">the workspace commit the training ran at.</param>
/// <param name="Machine">the CPU it ran on.</param>
public sealed record ShippedTraining(string Commit, DateTime FinishedUtc, double Seconds, string Machine);
