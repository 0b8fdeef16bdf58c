using System.Collections;
using System.Text.Json;
using TorchSharp;
using TorchSharp.PyBridge;
using VideoGradCam.Runtime;
using static TorchSharp.torch;

namespace VideoGradCam.Odometry.Models;

/// <summary>What a checkpoint records beside the weights: the snippet length, the frame size, whether the PoseNet has
/// the explainability-mask decoder, the training sequences and their mean frame-to-frame motion, and the loss it was
/// trained with (the negative-loss Grad-CAM explains that loss; null: <see cref="LossWeights.Port"/>). Reading ignores
/// fields it does not know: a checkpoint recording more settings than these loads with these.</summary>
/// <param name="TranslationScale">the PoseNet's translation output scale (the port's 0.01; 0 reads as 0.01; see
/// <see cref="PoseExpNet.TranslationScale"/>).</param>
/// <param name="ForwardTranslationScale">the forward translation's (tz) own scale; 0 or null:
/// <paramref name="TranslationScale"/> (see <see cref="PoseExpNet.ForwardTranslationScale"/>).</param>
/// <param name="DepthWidth">the DepthNet's channel multiplier (1 or 0: the port's; see
/// <see cref="DispNetS(double?, double)"/>).</param>
public sealed record SfmSettings(int SequenceLength = 3, int Width = 128, int Height = 40, bool Explainability = false,
    IReadOnlyList<string>? TrainSequences = null, double[]? MeanMotion = null, LossWeights? Loss = null,
    double TranslationScale = 0.01, double? ForwardTranslationScale = null, double DepthWidth = 1);

/// <summary>The pair SfMLearner trains together: DepthNet (DispNetS) and PoseNet (PoseExpNet), with their
/// settings.</summary>
public sealed class SfmLearner : IDisposable
{
    public DispNetS DepthNet { get; }
    public PoseExpNet PoseNet { get; }
    public SfmSettings Settings { get; private set; }

    /// <param name="initialDepth">Where a fresh DepthNet starts (see <see cref="DispNetS(double?, double)"/>); null:
    /// the port's init.</param>
    public SfmLearner(SfmSettings settings, double? initialDepth = null)
    {
        if (settings.SequenceLength is not (3 or 5)) throw new ArgumentException(
            $"Sequence length must be 3 or 5 (got {settings.SequenceLength}).");
        Settings = settings;
        DepthNet = new DispNetS(initialDepth, settings.DepthWidth > 0 ? settings.DepthWidth : 1);
        PoseNet = new PoseExpNet(settings.SequenceLength - 1, settings.Explainability)
        {
            TranslationScale = settings.TranslationScale == 0 ? 0.01 : settings.TranslationScale,
            ForwardTranslationScale = settings.ForwardTranslationScale is > 0 ? settings.ForwardTranslationScale : null,
        };
    }

    public SfmLearner WithSettings(SfmSettings s) { Settings = s; return this; }

    public void Train(bool on) { DepthNet.train(on); PoseNet.train(on); }

    public void To(Device d) { DepthNet.to(d); PoseNet.to(d); }

    /// <summary>Disparity at the finest scale [B,1,H,W] of target frames [B,3,H,W] (eval mode).</summary>
    public Tensor Disparity(Tensor target) => DepthNet.call(target)[0];

    /// <summary>The first of the weights (DepthNet's, then PoseNet's, named "DepthNet.key" or "PoseNet.key") that
    /// holds NaN or infinity; null if none.</summary>
    public string? FirstNonFiniteWeight() => FiniteCheck.FirstNonFinite(
        DepthNet.state_dict().Select(kv => KeyValuePair.Create("DepthNet." + kv.Key, kv.Value))
            .Concat(PoseNet.state_dict().Select(kv => KeyValuePair.Create("PoseNet." + kv.Key, kv.Value))));

    const string Magic = "SFMLEARNER-CKPT-1";

    /// <summary>Writes settings and both networks' weights to one file, atomically.</summary>
    public void Save(string path) => AtomicFile.Write(path, tmp =>
    {
        using var stream = File.Create(tmp);
        using var w = new BinaryWriter(stream);
        w.Write(Magic);
        w.Write(JsonSerializer.Serialize(Settings, JsonDefaults.Compact));
        DepthNet.save(w);
        PoseNet.save(w);
    });

    /// <summary>Reads a checkpoint written by <see cref="Save"/>.</summary>
    public static SfmLearner Load(string path)
    {
        using var r = Open(path, out var settings);
        var model = new SfmLearner(settings);
        try
        {
            model.DepthNet.load(r);
            model.PoseNet.load(r);
        }
        catch (Exception e) when (e is IOException or ArgumentException or InvalidOperationException)
        {
            model.Dispose();
            throw new InvalidDataException(
                $"{path}: truncated or corrupt SfMLearner checkpoint (its weights stop early or do not fit: " +
                $"{e.Message.Split('\n')[0]}).");
        }
        return model;
    }

    /// <summary>The settings of a checkpoint written by <see cref="Save"/>, without loading its weights.</summary>
    public static SfmSettings ReadSettings(string path)
    {
        using var r = Open(path, out var settings);
        return settings;
    }

    /// <summary>Loads the weights of a checkpoint written by <see cref="Save"/> into this model (its settings stay; a
    /// resumed run).</summary>
    public void LoadWeights(string path)
    {
        using var r = Open(path, out _);
        DepthNet.load(r);
        PoseNet.load(r);
    }

    /// <summary>Opens a checkpoint and reads its header; the reader is left at the weights.</summary>
    static BinaryReader Open(string path, out SfmSettings settings)
    {
        if (Directory.Exists(path))
            throw new InvalidDataException(
                $"{path}: a folder (a video classifier's checkpoint?); an SfMLearner checkpoint is one .sfm file.");
        if (!File.Exists(path)) throw new FileNotFoundException($"Checkpoint not found: {path}", path);
        var r = new BinaryReader(File.OpenRead(path));
        try
        {
            string magic;
            try { magic = r.ReadString(); } catch (EndOfStreamException) { magic = ""; }
            if (magic != Magic) throw new InvalidDataException(
                $"{path}: not an SfMLearner checkpoint of this workspace.");
            settings = JsonSerializer.Deserialize<SfmSettings>(r.ReadString(), JsonDefaults.Compact)
                ?? throw new InvalidDataException($"{path}: unreadable settings.");
            return r;
        }
        catch { r.Dispose(); throw; }
    }

    /// <summary>
    /// Loads a checkpoint of the PyTorch port (<c>dispnet_model_best.pth.tar</c>, <c>exp_pose_model_best.pth.tar</c>: a
    /// dict holding 'state_dict', or a bare state_dict) into <paramref name="module"/>. Key sets must match exactly;
    /// otherwise the error lists the missing and unexpected keys.
    /// </summary>
    public static void LoadPortWeights(nn.Module module, string path)
    {
        if (!File.Exists(path)) throw new FileNotFoundException($"Weights not found: {path}", path);
        Hashtable dict;
        using (var s = File.OpenRead(path)) dict = PyTorchUnpickler.UnpickleStateDict(s);
        if (dict["state_dict"] is Hashtable inner) dict = inner;
        var loaded = dict.Keys.Cast<object>().Select(k => k.ToString()!).ToHashSet();
        var own = module.state_dict();
        var missing = own.Keys.Where(k => !loaded.Contains(k)).ToList();
        var unexpected = loaded.Where(k => !own.ContainsKey(k)).Order().ToList();
        if (missing.Count > 0 || unexpected.Count > 0)
            throw new InvalidDataException($"{path}: state_dict keys do not match {module.GetType().Name}. " +
                $"Missing: [{string.Join(", ", missing)}]. Unexpected: [{string.Join(", ", unexpected)}].");
        using var _ = no_grad();
        foreach (var (k, t) in own)
        {
            var src = (Tensor)dict[k]!;
            if (!src.shape.SequenceEqual(t.shape))
                throw new InvalidDataException(
                    $"{path}: '{k}' has shape [{string.Join(",", src.shape)}], expected " +
                    $"[{string.Join(",", t.shape)}].");
            t.copy_(src);
        }
    }

    public void Dispose() { DepthNet.Dispose(); PoseNet.Dispose(); }
}
