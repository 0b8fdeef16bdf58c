using VideoGradCam.Cam;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using VideoGradCam.Models;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Tests.Architecture;

/// <summary>One model registry: names are typed there and only there, and each entry says true things about its
/// model.</summary>
public class ModelRegistryTests
{
    static string Root => WorkspacePaths.Root(AppContext.BaseDirectory);

    [Fact]
    public void NoModelNameIsTypedAsAStringOutsideTheRegistry()
    {
        var names = ModelRegistry.All.SelectMany(e => e.Aliases.Prepend(e.Name)).ToList();
        var literal = new Regex("\"(" + string.Join("|", names.Select(Regex.Escape)) + ")\"");
        var found = new List<string>();
        foreach (var file in Directory.EnumerateFiles(Path.Combine(Root, "lib"), "*.cs", SearchOption.AllDirectories)
                     .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}")
                         && Path.GetFileName(f) != "ModelRegistry.cs"))
            foreach (var (line, i) in File.ReadLines(file).Select((l, i) => (l, i)))
                if (literal.IsMatch(line)) found.Add($"{Path.GetRelativePath(Root, file)}:{i + 1}: {line.Trim()}");
        foreach (var notebook in Directory.EnumerateFiles(Path.Combine(Root, "notebooks"), "*.ipynb"))
            foreach (var cell in JsonNode.Parse(File.ReadAllText(notebook))!["cells"]!.AsArray()
                .Where(c => (string?)c!["cell_type"] == "code"))
            {
                var source = string.Concat(cell!["source"]!.AsArray().Select(l => (string?)l));
                if (literal.Match(source) is { Success: true } m) found.Add($"{Path.GetFileName(notebook)}: {m.Value}");
            }
        Assert.True(found.Count == 0, "model names typed outside Models/ModelRegistry.cs:\n"
            + string.Join('\n', found));
    }

    [Fact]
    public void EachVideoClassifierEntryBuildsTheModelItDescribes()
    {
        foreach (var entry in ModelRegistry.OfKind(ModelKind.VideoClassifier))
        {
            using var model = VideoModels.Create(entry.Name, numClasses: 3, width: 4, hiddenSize: 8, attentionSize: 4);
            Assert.Equal(entry.Name, model.Architecture);
            var layer = entry.StudyCamLayer!;
            Assert.Contains(layer, model.AsCamModel().LayerNames);
            Assert.Equal(entry.Temporal.IsRecurrent, new VideoModelConfig(entry.Name, 3).IsRecurrent);
            using var scope = NewDisposeScope();
            model.eval();
            var forward = model.AsCamModel().Forward(randn(new long[] { 1, 3, 4, 32, 32 }), layer);
            Assert.Equal(entry.Temporal.HasAttention, forward.Outputs.ContainsKey("attention"));
            Assert.Equal(entry.Temporal.IsRecurrent ? ActivationLayout.Framewise : ActivationLayout.Volume,
                forward.Layout);
        }
    }

    [Fact]
    public void AliasesAreReadAsTheirModelAndUnknownNamesListTheKnownOnes()
    {
        Assert.Same(ModelRegistry.R3D18, ModelRegistry.Get("r3d_18"));
        Assert.Equal(ModelRegistry.MC318.Name, VideoModels.Create("mc3", 2, width: 4).Architecture);
        var e = Assert.Throws<ArgumentException>(() => ModelRegistry.Get("dance-net"));
        Assert.Contains(ModelRegistry.Names(), e.Message);
        Assert.Throws<ArgumentException>(
            () => ModelRegistry.Get(ModelRegistry.SfmLearner.Name, ModelKind.VideoClassifier));
    }
}
