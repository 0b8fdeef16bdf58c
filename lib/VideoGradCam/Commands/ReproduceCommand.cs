using VideoGradCam.Runtime;
using VideoGradCam.Study;
using VideoGradCam.Study.Pipeline;

namespace VideoGradCam.Commands;

/// <summary><c>./workspace reproduce</c>: the main job. Runs the study on the embedded default into artifacts/, or on
/// real data (<c>--data hmdb51=PATH,kitti=PATH</c>, <c>--weights r3d18=PATH</c>) into
/// artifacts/&lt;data&gt;/.</summary>
public static class ReproduceCommand
{
    public static readonly Verb Verb = new("reproduce",
        "the main job: data, training, Grad-CAM metrics, notebooks, report in artifacts/report (real data: " +
        "artifacts/<data>/report)",
        [
            Opt.Computed("profile", "full (the real figures, from the shipped models) or quick (minutes on 2 cores, " +
                "models trained here: what CI runs)", "quick|full", $"${Profiles.EnvironmentVariable}, else full"),
            Opt.Flag("retrain", "train the full profile's four models here instead of starting from the shipped ones " +
                "in data/study-models (about 70 minutes of training on 2 cores)"),
            Opt.Computed("seeds", "training seeds per classifier (spread of every number)", "N",
                "1; full with --retrain 2"),
            Opt.Flag("force", "recompute every step, even when its inputs did not change"),
            Opt.Flag("no-notebooks", "skip running the notebooks"),
            Opt.Computed("data", "real data instead of the synthetic sets: hmdb51, ucf101, or videos=PATH[,kitti=PATH]",
                "SET", "the synthetic sets"),
            Opt.Value("weights", "published weights to explain, e.g. r3d18=PATH.pth (Kinetics-400)", "MODEL=PATH",
                (string?)null),
        ], Run);

    static int Run(Args a)
    {
        var profile = Cli.ReadProfile(a, fallback: Profile.Full);
        var retrain = a.Flag("retrain");
        if (retrain && profile != ShippedModels.TrainedProfile)
            throw new UsageException("--retrain replaces the shipped models, which are the full profile's: " +
                "the quick profile always trains here.");
        var force = a.Flag("force");
        var notebooks = !a.Flag("no-notebooks");
        var data = ParseData(a.Optional("data"), a.Optional("weights"));
        var seeds = a.Optional("seeds") is { } text ? ParseSeeds(text, profile)
            : StudyPipeline.DefaultSeeds(profile, data, retrain);
        data.Apply();
        Console.WriteLine(
            $"reproduce: profile {profile.Name()}, data {data.Name}, {seeds} training seed{(seeds == 1 ? "" : "s")}, " +
            $"outputs in {WorkspacePaths.Artifacts()}");
        if (!data.HasGroundTruth)
            Console.WriteLine(
                $"reproduce: {data.ActionsDescription} has no ground truth: pointing game, energy in mask, temporal " +
                "AUC and attention on relevant frames are not measured");
        var outcome = StudyPipeline.Run(profile, force, notebooks, data, seeds, retrain);
        int failed = outcome.Notebooks.Count(n => !n.Passed);
        Console.WriteLine(
            $"reproduce: done in {outcome.Steps.Sum(s => s.Seconds):0} s; notebooks " +
            $"{outcome.Notebooks.Count - failed} passed, {failed} failed; report {outcome.Report}");
        return failed == 0 ? 0 : 1;
    }

    /// <summary><c>--seeds N</c>: training seeds per video classifier, a whole number from 1 (default
    /// <see cref="StudyPipeline.DefaultSeeds(Profile)"/>: 1 in quick, 3 in full).</summary>
    public static int ParseSeeds(string? value, Profile profile)
    {
        if (value is null) return StudyPipeline.DefaultSeeds(profile);
        if (!int.TryParse(value, System.Globalization.NumberStyles.None,
            System.Globalization.CultureInfo.InvariantCulture, out var n) || n < 1)
            throw new UsageException($"--seeds expects a whole number of training seeds, 1 or more (got '{value}').");
        return n;
    }

    /// <summary><c>--data</c> and <c>--weights</c> as a <see cref="StudyData"/>; bad input becomes a usage error naming
    /// the problem.</summary>
    public static StudyData ParseData(string? data, string? weights)
    {
        try { return StudyData.Parse(data, weights); }
        catch (Exception e) when (e is ArgumentException or IOException
            or InvalidDataException) { throw new UsageException(e.Message); }
    }
}
