using VideoGradCam.Odometry;
using static VideoGradCam.Study.Pipeline.Condition;

namespace VideoGradCam.Study.Pipeline;

/// <summary>
/// The rule of each claim of the study, as data: conditions over named thresholds. <see cref="StudyClaims"/> measures
/// the quantities each rule names (the keys below) and takes the verdict and the rule's sentence from it.
/// </summary>
public static class ClaimRules
{
    // The quantities the rules read, as StudyClaims names them in a Measurement.
    public const string Pointing = "pointing", PointingChance = "pointing chance";
    public const string Energy = "energy", Uniform = "uniform";
    public const string AccuracyWith = "accuracy with", AccuracyWithout = "accuracy without";
    public const string EnergyWith = "energy with", EnergyWithout = "energy without";
    public const string Mass = "mass", MassChance = "mass chance", Auc = "auc";
    public const string OtherEnergy = "other energy", TrueEnergy = "true energy", OtherRho = "other rho";
    public const string FrameRho = "frame rho", AucR3d = "temporal auc r3d", AucLstm = "temporal auc lstm";
    public const string Snippets = "snippets", BeatBothShare = "beat both", SanityAbsRho = "sanity |rho|";
    public const string BeatPixelsShare = "beat pixels", BeatMapShare = "beat map";

    /// <summary>Per model: the map points at the evidence at least twice as often as chance and puts at least twice a
    /// uniform map's energy inside the evidence mask.</summary>
    public static readonly Condition PointsAtEvidence = All(
        Compare(Pointing, Relation.AtLeast, new("pointing / chance", 2), PointingChance),
        Compare(Energy, Relation.AtLeast, new("energy in the mask / a uniform map's", 2), Uniform));

    public static readonly ClaimRule Consistency =
        new(ForCases("model", PointsAtEvidence, all: true), ForCases("model", PointsAtEvidence, all: false));

    static readonly Condition MoreAccurate =
        Compare(AccuracyWith, Relation.Above, new("accuracy with / without attention", 1), AccuracyWithout);
    static readonly Condition MoreFocused =
        Compare(EnergyWith, Relation.Above, new("energy in the mask with / without attention", 1), EnergyWithout);

    public static readonly ClaimRule AttentionImproves =
        new(All(MoreAccurate, MoreFocused), Any(MoreAccurate, MoreFocused));

    static readonly Condition MassBeatsChance =
        Compare(Mass, Relation.Above, new("attention mass on the relevant frames / chance", 1), MassChance);

    public static readonly ClaimRule AttentionOnRelevant = new(
        All(Compare(Auc, Relation.AtLeast, new("AUC of the weights", 0.7)), MassBeatsChance), MassBeatsChance);

    /// <summary>Per model: the other-class map puts less energy on the true class's evidence and differs from the
    /// true-class map.</summary>
    public static readonly Condition OtherClassDiffers = All(
        Compare(OtherEnergy, Relation.Below, new("other-class energy in the evidence / the true class's", 1),
            TrueEnergy),
        Compare(OtherRho, Relation.Below, new("ρ(true-class map, other-class map)", 0.8)));

    public static readonly ClaimRule OtherClass =
        new(ForCases("model", OtherClassDiffers, all: true), ForCases("model", OtherClassDiffers, all: false));

    static readonly Condition BothAboveChanceOverTime = All(
        Compare(AucR3d, Relation.Above, new("temporal AUC of R3D-18", 0.5)),
        Compare(AucLstm, Relation.Above, new("temporal AUC of CNN-LSTM", 0.5)));

    public static readonly ClaimRule SamePatternOverTime = new(
        All(Compare(FrameRho, Relation.AtLeast, new("mean ρ of per-frame importance", 0.5)), BothAboveChanceOverTime),
        BothAboveChanceOverTime);

    /// <summary>The fewest held-out snippets with a map that the odometry claim may hold on.</summary>
    public static readonly Threshold MinSnippets = new("held-out snippets with a map", 20);

    public static readonly Condition EnoughSnippets = Compare(Snippets, Relation.AtLeast, MinSnippets);

    public static readonly Condition BeatsBoth = Compare(BeatBothShare, Relation.Above,
        new("share of snippets where masking the 10% most salient pixels raises the loss more than both controls",
            0.5));

    public static readonly Condition MapsChange = Compare(SanityAbsRho, Relation.Below,
        new("mean |ρ| between trained and randomised-PoseNet maps", PoseNetRandomisation.Threshold));

    public static readonly Condition BeatsPixels =
        Compare(BeatPixelsShare, Relation.Above, new("share beating random pixels", 0.5));

    public static readonly Condition BeatsMap =
        Compare(BeatMapShare, Relation.Above, new("share beating a random layer-resolution map", 0.5));

    public static readonly ClaimRule Odometry =
        new(All(EnoughSnippets, BeatsBoth, MapsChange), Any(BeatsPixels, BeatsMap));
}
