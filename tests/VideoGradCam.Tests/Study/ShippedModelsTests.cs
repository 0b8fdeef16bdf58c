using System.Text.Json;
using System.Text.Json.Nodes;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Study.Pipeline;
using VideoGradCam.Training;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Study;

public class ShippedModelsTests
{
    [Fact]
    public void EveryShippedModelWasTrainedByTheCodesRecipeAndIsTheFileTheManifestNames()
    {
        var manifest = ShippedModels.ReadManifest();
        Assert.NotNull(manifest);
        Assert.Equal(ShippedModels.Names, manifest!.Models.Select(m => m.Name));
        foreach (var name in ShippedModels.Names)
            Assert.True(ShippedModels.Problem(name) is null, ShippedModels.Problem(name));
    }

    [Fact]
    public void TheShippedWeightsTakeAtMostThirtyMegabytesAndSayHowTheyWereMade()
    {
        var files = Directory.EnumerateFiles(ShippedModels.Folder(), "*", SearchOption.AllDirectories).ToList();
        long bytes = files.Sum(f => new FileInfo(f).Length);
        Assert.True(bytes <= 30_000_000, $"data/study-models holds {bytes / 1e6:0.0} MB");
        foreach (var m in ShippedModels.ReadManifest()!.Models)
        {
            Assert.Equal("float16", m.Weights.Precision);
            Assert.All(m.Weights.Parts, p => Assert.True(
                new FileInfo(Path.Combine(ShippedModels.Folder(), p)).Length <= ShippedModels.PartBytes, p));
            Assert.Matches("^[0-9a-f]{7,40}$", m.Training.Commit);
            Assert.True(m.Training.Seconds > 0, m.Name);
            Assert.NotEmpty(m.Metrics);
            Assert.All(m.Metrics.Values, v => Assert.True(double.IsFinite(v), m.Name));
        }
    }

    [Fact]
    public void AStaleRecipeIsSaidAndNeverInstalled()
    {
        var folder = TestTemp.Dir("shipped-stale");
        foreach (var file in Directory.EnumerateFiles(ShippedModels.Folder(), "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(folder, Path.GetRelativePath(ShippedModels.Folder(), file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        var manifestPath = Path.Combine(folder, "manifest.json");
        var manifest = JsonNode.Parse(File.ReadAllText(manifestPath))!;
        manifest["models"]![1]!["recipe"]!["hash"] = "000000000000";
        File.WriteAllText(manifestPath, manifest.ToJsonString());
        Assert.Null(ShippedModels.Problem("r3d18", folder));
        var problem = ShippedModels.Problem("cnn-lstm", folder);
        Assert.NotNull(problem);
        Assert.Contains("stale", problem);
        Assert.Contains("--retrain", problem);
    }

    [Fact]
    public void AnInstalledModelIsFloat32FiniteAndSaysItWasShipped()
    {
        var folder = TestTemp.Dir("shipped-install");
        ShippedModels.Install("cnn-lstm", folder);
        var loaded = Checkpoint.Load(folder, "cnn-lstm");
        using var model = loaded.Model;
        Assert.All(model.parameters(), p => Assert.Equal(ScalarType.Float32, p.dtype));
        Assert.Null(FiniteCheck.FirstNonFinite(model.state_dict()));
        var provenance = ModelProvenance.Read(folder);
        Assert.True(provenance!.IsShipped);
        Assert.Contains("shipped in data/study-models", provenance.Describe());
        var entry = ShippedModels.ReadManifest()!.Models.First(m => m.Name == "cnn-lstm");
        Assert.Equal(entry.Training.Commit, provenance.Commit);
    }

    [Fact]
    public void TheFullProfileStartsFromTheShippedModelsUnlessRetrainedAndQuickAlwaysTrains()
    {
        Assert.True(new StudyRun(Profile.Full).UsesShippedModels);
        Assert.False(new StudyRun(Profile.Full, Retrain: true).UsesShippedModels);
        Assert.False(new StudyRun(Profile.Full, Seed: 1).UsesShippedModels);
        Assert.False(new StudyRun(Profile.Quick).UsesShippedModels);
        Assert.Equal(1, StudyPipeline.DefaultSeeds(Profile.Full, StudyData.Synthetic, retrain: false));
        Assert.Equal(StudyPipeline.FullProfileSeeds,
            StudyPipeline.DefaultSeeds(Profile.Full, StudyData.Synthetic, retrain: true));
    }
}
