using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Architecture;

/// <summary>The library's folders point one way (docs/architecture.md): a folder never uses one above it.</summary>
public class LayerTests
{
    /// <summary>Bottom up. Training and Odometry are siblings: neither uses the other. Study holds the experiments
    /// notebooks call; Study.Pipeline, the machinery of <c>reproduce</c> (steps, report, claims), sits above
    /// them.</summary>
    public static readonly string[] Layers =
        ["Runtime", "Video", "Models", "Cam", "Training|Odometry", "Plots", "Study", "Study.Pipeline", "Commands"];

    [Fact]
    public void NoFolderOfTheLibraryUsesAFolderAboveIt()
    {
        var violations = LayerCheck.Upward(typeof(Profile).Assembly, "VideoGradCam", Layers);
        Assert.True(violations.Count == 0, $"{violations.Count} upward uses:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void TheCheckCatchesAnUpwardUseInALambdaAFieldAndACall()
    {
        var violations = LayerCheck.Upward(typeof(LayerTests).Assembly, "VideoGradCam.Tests.Architecture.Fixture",
            ["Low", "High"]);
        Assert.Contains(violations, v => v.From.EndsWith("Low.UsesHighInALambda") && v.To.EndsWith("High.Top"));
        Assert.Contains(violations, v => v.From.EndsWith("Low.UsesHighInAField") && v.To.EndsWith("High.Top"));
        Assert.Contains(violations, v => v.From.EndsWith("Low.UsesHighInACall") && v.To.EndsWith("High.Top"));
        Assert.DoesNotContain(violations, v => v.FromLayer == "High");
    }
}
