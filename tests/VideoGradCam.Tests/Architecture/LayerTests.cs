using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Architecture;

/// <summary>The library's folders point one way (docs/architecture.md): a folder never uses one above it.</summary>
public class LayerTests
{
    /// <summary>Bottom up. The odometry wing's own layers sit where Training does: geometry, data, the networks, the
    /// metrics, SfMLearner's training, and on top the wing's entry points (<c>VideoGradCam.Odometry</c>: load,
    /// evaluate, explain). Training shares the slot's lowest rank, so it uses none of them; <see cref="Siblings"/>
    /// checks the other way. Study holds the experiments notebooks call; Study.Pipeline, the machinery of
    /// <c>reproduce</c> (steps, report, claims), sits above them.</summary>
    public static readonly string[] Layers =
    [
        "Runtime", "Video", "Models", "Cam",
        "Training|Odometry.Geometry", "Odometry.Data", "Odometry.Models", "Odometry.Metrics", "Odometry.Training",
        "Odometry",
        "Plots", "Study", "Study.Pipeline", "Commands",
    ];

    /// <summary>Training and the odometry wing (every <c>VideoGradCam.Odometry*</c> namespace) are siblings: neither
    /// uses the other.</summary>
    public static readonly string[] Siblings = ["Training|Odometry"];

    [Fact]
    public void NoFolderOfTheLibraryUsesAFolderAboveIt()
    {
        var violations = LayerCheck.Upward(typeof(Profile).Assembly, "VideoGradCam", Layers);
        Assert.True(violations.Count == 0, $"{violations.Count} upward uses:\n" + string.Join('\n', violations));
    }

    [Fact]
    public void TrainingAndTheOdometryWingDoNotUseEachOther()
    {
        var violations = LayerCheck.Upward(typeof(Profile).Assembly, "VideoGradCam", Siblings);
        Assert.True(violations.Count == 0,
            $"{violations.Count} uses between siblings:\n" + string.Join('\n', violations));
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
