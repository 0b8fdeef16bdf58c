using VideoGradCam.Runtime;

namespace VideoGradCam.Study;

/// <summary>
/// Which run of the study an experiment belongs to: the profile, the data, the study seed, and whether cached work is
/// redone. The one options record of the experiments (<see cref="ClassifierStudy.EnsureTrained"/>,
/// <see cref="CamStudyEvaluations.Ensure"/>); notebooks get theirs from the bootstrap (<c>run</c>).
/// </summary>
/// <param name="Data">the data (null: the synthetic sets the workspace generates).</param>
/// <param name="Seed">study seed k = 0, 1, ...: training seed <c>ClassifierSettings.Seed + 1000·k</c> on the same data
/// and split; seed 0 is the study's own checkpoint and evaluation.</param>
/// <param name="Force">redo cached steps even when they are up to date.</param>
/// <param name="Retrain">train the full profile's models here rather than start from the shipped ones
/// (<see cref="ShippedModels"/>).</param>
public sealed record StudyRun(Profile Profile, StudyData? Data = null, int Seed = 0, bool Force = false,
    bool Retrain = false)
{
    /// <summary>True when this run's models are the ones shipped with the workspace: the full profile's first seed on
    /// the synthetic sets (unless <see cref="Retrain"/>).</summary>
    public bool UsesShippedModels => Profile == ShippedModels.TrainedProfile && Seed == 0 && Actions.IsSynthetic
        && !Retrain;

    /// <summary>The data this run uses: <see cref="Data"/>, or the synthetic sets.</summary>
    public StudyData Actions => Data ?? StudyData.Synthetic;

    /// <summary>This run with study seed <paramref name="seed"/>.</summary>
    public StudyRun WithSeed(int seed) => this with { Seed = ClassifierStudy.CheckSeed(seed) };
}
