using System.Text.Json;
using VideoGradCam.Odometry;
using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Study.Pipeline;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace odometry-faithfulness</c>: the faithfulness of SfMLearner's regression Grad-CAM maps on
/// held-out snippets, as the study measures it (<see cref="OdometryStudy.Faithfulness"/>): the salient pixels against
/// random pixels and a random layer-resolution map, the sanity check with a re-initialised PoseNet, and the per-DoF
/// maps' flow energy; then the odometry claim's verdict on those numbers.</summary>
public static class OdometryFaithfulnessCommand
{
    public static readonly Verb Verb = new("odometry-faithfulness",
        "faithfulness of SfMLearner's regression Grad-CAM on held-out snippets: random-pixel, random-map and " +
        "reversed (least-salient) controls, sanity check, flow energy; the odometry claim's verdict",
        [
            Opt.Computed("checkpoint", "SfMLearner checkpoint file (.sfm)", "CKPT", "the study's, trained if missing"),
            Opt.Computed("data", "KITTI-layout sequences (the last is held out unless the checkpoint says otherwise)",
                "DIR", "the profile's synthetic drive"),
            Opt.Computed("layer", $"the layer of the negative-loss maps: {SfmCamModel.LayerNames}", "LAYER",
                "the deepest PoseNet conv with a map of at least " +
                $"{PoseLayerChoice.MinSide}x{PoseLayerChoice.MinSide} cells"),
            Opt.Computed("snippets", "at most this many held-out snippets, evenly spaced", "N",
                "every held-out snippet"),
            Opt.Value("fraction", "share of the target frame's pixels masked", "F", "0.1"),
            Opt.Computed("out", "the JSON written", "FILE", "artifacts/odometry/faithfulness.json"),
            Opt.Profile,
        ], Run);

    static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a);
        var data = a.Optional("data") ?? StudyData.Synthetic.EnsureOdometry(profile);
        var checkpoint = a.Optional("checkpoint") ?? StudyData.Synthetic.EnsureSfm(profile);
        int? snippets = a.Optional("snippets") is null ? null : a.Int("snippets");
        double fraction = a.Double("fraction", 0.1);
        if (snippets < 1) throw new UsageException("--snippets must be at least 1.");
        if (!(fraction > 0 && fraction < 1)) throw new UsageException("--fraction must lie strictly between 0 and 1.");
        var layer = a.Optional("layer");
        if (layer is not null && !SfmCamModel.IsLayer(layer)) throw new UsageException(
            $"--layer '{layer}' is not one of {SfmCamModel.LayerNames}.");
        if (!File.Exists(OdometryStudy.ModelFile(checkpoint))) throw new FileNotFoundException(
            $"{checkpoint}: no SfMLearner checkpoint there.", checkpoint);
        var output = a.String("out", Path.Combine(WorkspacePaths.Artifacts(), "odometry", "faithfulness.json"));

        var f = OdometryStudy.Faithfulness(checkpoint, data, layer, snippets, fraction);
        AtomicFile.WriteAllText(output,
            JsonSerializer.Serialize(StudyPipeline.FaithfulnessSummary(f), StudyReport.Json));
        Console.WriteLine(
            $"odometry-faithfulness: {f.Layer} ({f.LayerWidth}x{f.LayerHeight} cells), {f.Snippets.Count} of " +
            $"{f.HeldOutSnippets} held-out snippets, " +
            $"{f.FlatMaps} flat maps, {f.Seconds:0} s");
        Console.WriteLine($"  ratio vs random pixels     {f.Ratio.Format()}, {f.Ratio.Above}/{f.Ratio.N} above 1");
        Console.WriteLine(
            $"  ratio vs random map        {f.RatioRandomMap.Format()}, " +
            $"{f.RatioRandomMap.Above}/{f.RatioRandomMap.N} above 1 (both controls: " +
            $"{f.BeatBoth}/{f.ComparedWithBoth})");
        Console.WriteLine($"  ratio vs shifted shape     {f.RatioShifted.Format()}");
        Console.WriteLine(
            $"  least salient vs random    {f.RatioLeast.Format()}, {f.RatioLeast.Above}/{f.RatioLeast.N} above 1 (a " +
            "faithful ranking: below 1)");
        Console.WriteLine(
            $"  most vs least salient      {f.RatioTopBottom.Format()}, " +
            $"{f.RatioTopBottom.Above}/{f.RatioTopBottom.N} above 1 (a faithful ranking: above 1)");
        Console.WriteLine(
            $"  sanity ρ (randomised PoseNet) {f.SanityRho.Format()}, mean |ρ| {f.SanityAbsRho.Mean:0.00}: " +
                          (f.SanityPasses is { } pass ? pass ? "passes (the maps change)"
                              : "fails (the maps barely change)" : "not measured"));
        foreach (var d in OdometryFaithfulness.FlowDofs)
            Console.WriteLine(
                $"  flow energy, {d} map at {f.DofLayer}: full motion {f.FlowFullMotion[d].Format()}, {d} alone " +
                $"{f.FlowDofAlone[d].Format()}");
        var claim = StudyClaims.Odometry(f);
        Console.WriteLine($"odometry-faithfulness: claim \"{claim.Statement}\": {claim.Verdict}; wrote {output}");
        return 0;
    }
}
