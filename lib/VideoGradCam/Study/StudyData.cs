using VideoGradCam.Models;
using VideoGradCam.Odometry.Data;
using VideoGradCam.Runtime;
using VideoGradCam.Video;

namespace VideoGradCam.Study;

/// <summary>
/// Which data the study runs on: the synthetic sets the workspace generates (the default), or real data a user
/// downloaded: a class-per-folder action set (HMDB51, UCF101: <c>PATH/&lt;class&gt;/&lt;video&gt;.avi</c>), KITTI
/// odometry (or SfmLearner's prepared layout), and torchvision's Kinetics-400 <c>r3d_18</c> weights to start the R3D-18
/// from. The pipeline, the classifier and CAM steps and the notebooks take this record instead of assuming the
/// synthetic folders. <c>./workspace reproduce --data hmdb51=PATH,kitti=PATH --weights r3d18=PATH</c>; notebooks read
/// it back from the environment (<see cref="Current"/>), which <see cref="Apply"/> and the notebook runner set.
/// </summary>
/// <param name="ActionsName">hmdb51, ucf101 or videos; null: the synthetic action set.</param>
/// <param name="ActionsRoot">the real action set's folder (full path); null: synthetic.</param>
/// <param name="HasGroundTruth">whether every clip has an annotation (<c>&lt;clip&gt;.json</c>, masks, relevant
/// frames).</param>
/// <param name="OdometryRoot">KITTI odometry folder (full path); null: the synthetic sequences.</param>
/// <param name="R3dWeights">torchvision's <c>r3d_18</c> state_dict to initialise the R3D-18 from (all but fc); null:
/// random init.</param>
public sealed record StudyData(string? ActionsName, string? ActionsRoot, bool HasGroundTruth, string? OdometryRoot,
    string? R3dWeights)
{
    public const string DataVariable = "WORKSPACE_DATA", WeightsVariable = "WORKSPACE_WEIGHTS";

    /// <summary>The study's five HMDB51 classes, in the order of its figures: a real action set must hold a folder for
    /// each.</summary>
    public static readonly IReadOnlyList<string> StudyClasses = ["clap", "wave", "smile", "drink", "golf"];

    /// <summary>Names accepted for a class-per-folder action set (they only name the outputs).</summary>
    public static readonly IReadOnlyList<string> ActionSetNames = ["hmdb51", "ucf101", "videos"];

    public static readonly StudyData Synthetic = new(null, null, true, null, null);

    public bool IsSynthetic => ActionsRoot is null && OdometryRoot is null && R3dWeights is null;

    /// <summary>Names the run and its artifacts folder: "synthetic", or e.g. "hmdb51", "hmdb51+kitti",
    /// "kitti+r3d18-kinetics".</summary>
    public string Name => IsSynthetic ? "synthetic"
        : string.Join("+", new[] { ActionsName, OdometryRoot is null ? null : "kitti", R3dWeights is null ? null
            : "r3d18-kinetics" }.OfType<string>());

    /// <summary>Whether a folder name is a real-data run's artifacts root (<see cref="Name"/> of some real data, e.g.
    /// "hmdb51+kitti"): the synthetic run's bookkeeping leaves those subtrees alone.</summary>
    public static bool IsDataRootName(string folderName) =>
        folderName.Length > 0
            && folderName.Split('+').All(p => ActionSetNames.Contains(p) || p is "kitti" or "r3d18-kinetics");

    /// <summary>How the report and claims name the action data.</summary>
    public string ActionsDescription => ActionsName ?? "the synthetic set";

    /// <summary>Where this data's outputs go: <paramref name="baseRoot"/> itself for the synthetic default (as always),
    /// <c>baseRoot/&lt;Name&gt;</c> for real data, so real and synthetic outputs never mix.</summary>
    public string ArtifactsRoot(string baseRoot) => IsSynthetic ? baseRoot : Path.Combine(baseRoot, Name);

    /// <summary>Parses <c>--data</c> (<c>name=PATH[,name=PATH]</c>; names hmdb51, ucf101, videos, kitti) and
    /// <c>--weights</c> (<c>r3d18=PATH</c>); checks that every path exists and that an action set has the five study
    /// classes.</summary>
    public static StudyData Parse(string? data, string? weights = null)
    {
        string? actionsName = null, actionsRoot = null, odometryRoot = null, r3d = null;
        foreach (var (name, path) in Pairs(data, "--data"))
        {
            if (ActionSetNames.Contains(name))
            {
                if (actionsRoot is not null) throw new ArgumentException(
                    $"--data: two action sets given ({actionsName} and {name}); give one.");
                (actionsName, actionsRoot) = (name, CheckActions(path));
            }
            else if (name == "kitti")
            {
                if (odometryRoot is not null) throw new ArgumentException("--data: kitti given twice.");
                odometryRoot = CheckOdometry(path);
            }
            else throw new ArgumentException(
                $"--data: unknown data set '{name}': use {string.Join(", ", ActionSetNames)} (class-per-folder " +
                "videos) or kitti (KITTI odometry).");
        }
        foreach (var (name, path) in Pairs(weights, "--weights"))
        {
            if (name != ModelRegistry.R3D18.Name) throw new ArgumentException(
                $"--weights: unknown model '{name}': only {ModelRegistry.R3D18} (torchvision's Kinetics-400 " +
                "r3d_18-b3b3357e.pth) is supported.");
            if (!File.Exists(path)) throw new FileNotFoundException(
                $"--weights {ModelRegistry.R3D18}: {Path.GetFullPath(path)}: no such weights file.", path);
            r3d = Path.GetFullPath(path);
        }
        bool groundTruth = actionsRoot is null || HasAnnotations(actionsRoot);
        return new StudyData(actionsName, actionsRoot, groundTruth, odometryRoot, r3d);
    }

    /// <summary>The data chosen for this process: <see cref="DataVariable"/> and <see cref="WeightsVariable"/> (unset:
    /// synthetic). What notebooks call, so they run on the data <c>reproduce --data</c> was given. Real data is also
    /// applied (<see cref="Apply"/>), so a notebook opened with only WORKSPACE_DATA set still writes into the data's
    /// own artifacts root.</summary>
    public static StudyData Current()
    {
        var data = Parse(Environment.GetEnvironmentVariable(DataVariable),
            Environment.GetEnvironmentVariable(WeightsVariable));
        if (!data.IsSynthetic) data.Apply();
        return data;
    }

    /// <summary>The <c>--data</c> and <c>--weights</c> text that <see cref="Parse"/> turns back into this
    /// record.</summary>
    public (string Data, string Weights) Options() => (
        string.Join(",", new[] { ActionsRoot is null ? null : $"{ActionsName}={ActionsRoot}", OdometryRoot is null
            ? null : $"kitti={OdometryRoot}" }.OfType<string>()),
        R3dWeights is null ? "" : $"r3d18={R3dWeights}");

    /// <summary>Environment variables that make <see cref="Current"/> return this record in a child process
    /// (notebooks).</summary>
    public IReadOnlyDictionary<string, string> EnvironmentVariables()
    {
        var (data, weights) = Options();
        return new Dictionary<string, string> { [DataVariable] = data, [WeightsVariable] = weights };
    }

    /// <summary>Makes this process (and the notebooks it starts) use this data: sets the two variables and, for real
    /// data, points WORKSPACE_ARTIFACTS at <see cref="ArtifactsRoot"/> (unless it already ends with <see cref="Name"/>:
    /// idempotent).</summary>
    public void Apply()
    {
        foreach (var (k, v) in EnvironmentVariables()) Environment.SetEnvironmentVariable(k, v.Length == 0 ? null : v);
        var current = WorkspacePaths.Artifacts();
        if (!IsSynthetic && Path.GetFileName(Path.TrimEndingDirectorySeparator(current)) != Name)
            Environment.SetEnvironmentVariable("WORKSPACE_ARTIFACTS", ArtifactsRoot(current));
    }

    /// <summary>The class-per-folder root the classifiers train on. Synthetic: the profile's set (generated when
    /// missing). Real: a folder in data/generated/ holding <c>classes.txt</c> (the five study classes) and links to
    /// their folders in <see cref="ActionsRoot"/>, so every reader sees just the study's classes in the study's order;
    /// the data stays where it is.</summary>
    /// <param name="viewParent">where the view folder goes (default: data/generated).</param>
    public string EnsureActions(Profile profile, string? viewParent = null)
    {
        if (ActionsRoot is null) return SyntheticActions.EnsureDefault(profile);
        var view = Path.Combine(viewParent ?? WorkspacePaths.GeneratedData(),
            $"{ActionsName}-{StepCache.Hash(new { ActionsRoot })}");
        Directory.CreateDirectory(view);
        foreach (var c in StudyClasses)
        {
            var link = Path.Combine(view, c);
            var target = Path.Combine(ActionsRoot, c);
            var existing = new DirectoryInfo(link);
            if (existing.Exists && existing.LinkTarget == target) continue;
            if (existing.Exists || existing.LinkTarget is not null) existing.Delete();
            Directory.CreateSymbolicLink(link, target);
        }
        AtomicFile.WriteAllText(Path.Combine(view, SyntheticActions.ClassListFile), string.Join("\n", StudyClasses)
            + "\n");
        return view;
    }

    /// <summary>What the action data depends on, for cache keys: the synthetic settings (as before), or the real folder
    /// and classes.</summary>
    public object ActionsIdentity(Profile profile) => ActionsRoot is null
        ? SyntheticActionSettings.For(profile)
        : new { name = ActionsName, root = ActionsRoot, classes = StudyClasses };

    /// <summary>The odometry data root: the synthetic sequences of the profile, or the KITTI folder.</summary>
    public string EnsureOdometry(Profile profile) => OdometryRoot ?? OdometryStudy.EnsureData(profile);

    /// <summary>Frame size SfMLearner trains at on real sequences (KITTI's 1241x376 resized; intrinsics scale with it):
    /// the synthetic sequences' size of the profile, whose 3.2:1 aspect is close to KITTI's 3.3:1.</summary>
    public static (int Width, int Height) OdometrySize(Profile profile)
    {
        var o = SyntheticOdometry.ForProfile(profile);
        return (o.Width, o.Height);
    }

    /// <summary>SfMLearner trained on every sequence but the last (the held-out one), cached; returns the model
    /// file.</summary>
    public string EnsureSfm(Profile profile, bool force = false, bool retrain = false)
    {
        if (OdometryRoot is null) return OdometryStudy.EnsureTrained(profile, force, retrain);
        var (width, height) = OdometrySize(profile);
        return OdometryStudy.EnsureTrained(OdometryRoot, OdometryStudy.CheckpointFolder(profile),
            OdometryStudy.TrainingOptions(profile),
            width, height, new { kitti = OdometryRoot }, force);
    }

    static IEnumerable<(string Name, string Path)> Pairs(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text)) yield break;
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            int eq = part.IndexOf('=');
            if (eq <= 0 || eq == part.Length - 1)
                throw new ArgumentException(
                    $"{option}: '{part}' is not NAME=PATH (e.g. {(option == "--data"
                        ? "hmdb51=/data/hmdb51,kitti=/data/kitti" : "r3d18=/data/r3d_18-b3b3357e.pth")}).");
            yield return (part[..eq].Trim().ToLowerInvariant(), part[(eq + 1)..].Trim());
        }
    }

    static string CheckActions(string path)
    {
        var root = Path.GetFullPath(path);
        if (!Directory.Exists(root)) throw new DirectoryNotFoundException(
            $"--data: {root}: no such folder (expected PATH/<class>/<video>.avi).");
        var missing = StudyClasses.Where(c => !Directory.Exists(Path.Combine(root, c))).ToList();
        if (missing.Count > 0)
            throw new DirectoryNotFoundException(
                $"--data: {root} lacks folder(s) for the study class(es) {string.Join(", ", missing)} " +
                $"(needs {string.Join(", ", StudyClasses)}; found: " +
                $"{string.Join(", ", Directory.EnumerateDirectories(root).Select(Path.GetFileName)
                    .Order().Take(12))}).");
        var empty = StudyClasses.Where(c => !VideoDataset.VideosIn(Path.Combine(root, c)).Any()).ToList();
        if (empty.Count > 0) throw new InvalidDataException(
            $"--data: {root}: no videos in the folder(s) of {string.Join(", ", empty)}.");
        return root;
    }

    /// <summary>KITTI odometry (<c>sequences/NN/image_2</c>, <c>calib.txt</c>, <c>poses/NN.txt</c>) or the SfmLearner
    /// port's prepared layout (scene folders with <c>cam.txt</c>), with at least two sequences (the last is held
    /// out).</summary>
    static string CheckOdometry(string path)
    {
        var root = Path.GetFullPath(path);
        if (!Directory.Exists(root))
            throw new DirectoryNotFoundException(
                $"--data kitti: {root}: no such folder (expected KITTI odometry: sequences/NN/image_2, " +
                "sequences/NN/calib.txt, poses/NN.txt; or SfmLearner's prepared layout: scene folders with cam.txt).");
        IReadOnlyList<OdometrySequence> sequences;
        try { sequences = OdometryDatasets.Open(root); }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            throw new InvalidDataException(
                $"--data kitti: {root} is neither KITTI odometry (sequences/NN/image_2, calib.txt, poses/NN.txt) " +
                $"nor SfmLearner's prepared layout (scene folders with cam.txt): {e.Message}", e);
        }
        if (sequences.Count < 2)
            throw new InvalidDataException(
                $"--data kitti: {root}: needs at least two sequences (the last one is held out); found " +
                $"{sequences.Count}.");
        return root;
    }

    static bool HasAnnotations(string root) =>
        StudyClasses.SelectMany(c => VideoDataset.VideosIn(Path.Combine(root, c))).All(ClipAnnotation.ExistsFor);
}
