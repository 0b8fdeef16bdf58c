using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VideoGradCam.Runtime;
using VideoGradCam.Training;

namespace VideoGradCam.Study;

/// <summary>
/// Makes pipeline steps resumable: a step whose output folder holds a <c>.done.json</c> marker with the same
/// configuration hash is up to date and is skipped. The marker is written (atomically) only after the step
/// finished, so a step interrupted half way runs again from its start.
/// </summary>
public static class StepCache
{
    public const string MarkerName = ".done.json";

    public sealed record Marker(string Step, string ConfigHash, DateTime FinishedUtc, double Seconds);

    /// <summary>A short, stable hash of any JSON-serialisable configuration.</summary>
    public static string Hash(object config)
    {
        var json = JsonSerializer.Serialize(config, config.GetType(), JsonDefaults.Compact);
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..12].ToLowerInvariant();
    }

    /// <summary>Identifies this library's code: its module version id, which a deterministic build changes only when
    /// the code changes.</summary>
    public static string CodeFingerprint { get; } = typeof(StepCache).Module.ModuleVersionId.ToString("N")[..12];

    /// <summary>The key of a step whose result depends on this library's code as well as on its configuration:
    /// <paramref name="config"/> and <see cref="CodeFingerprint"/>, so that a change of either computes it again.
    /// </summary>
    public static object CodeKey(object config) => new { config, code = CodeFingerprint };

    public static bool IsDone(string folder, string configHash)
    {
        return File.Exists(Path.Combine(folder, MarkerName)) && ReadMarker(folder)?.ConfigHash == configHash;
    }

    public static void MarkDone(string folder, string step, string configHash, TimeSpan took) =>
        AtomicFile.WriteAllText(Path.Combine(folder, MarkerName),
            JsonSerializer.Serialize(new Marker(step, configHash, DateTime.UtcNow, took.TotalSeconds),
                JsonDefaults.Compact));

    const string StartedName = ".started";

    [ThreadStatic] static double _reusedSeconds;

    /// <summary>What the steps reused on this thread since the last call took when they were computed (seconds), then 0
    /// again: how a pipeline shows a reused step's cost.</summary>
    public static double TakeReusedSeconds()
    {
        var s = _reusedSeconds;
        _reusedSeconds = 0;
        return s;
    }

    /// <summary>The marker of a finished step in <paramref name="folder"/>, or null.</summary>
    public static Marker? ReadMarker(string folder)
    {
        var path = Path.Combine(folder, MarkerName);
        try { return JsonSerializer.Deserialize<Marker>(File.ReadAllText(path), JsonDefaults.Compact); }
        catch (Exception e) when (e is JsonException or IOException) { return null; }
    }

    /// <summary>
    /// Runs <paramref name="produce"/> into <paramref name="folder"/> unless it is already done with this
    /// configuration. A folder left by another configuration is cleared first; one left half way by the same
    /// configuration is kept and <paramref name="produce"/> is told to resume (its second argument). Returns true if
    /// the step ran. <paramref name="unusable"/> looks at a finished folder before it is reused and says why it cannot
    /// be (e.g. a checkpoint or a metric holding NaN), or null: an unusable entry is reported in one line, cleared and
    /// redone.
    /// </summary>
    public static bool Ensure(string folder, string step, object config, Action<string, bool> produce,
        bool force = false, Func<string, string?>? unusable = null)
    {
        var hash = Hash(config);
        if (!force && IsDone(folder, hash))
        {
            if (unusable?.Invoke(folder) is not { } problem)
            {
                _reusedSeconds += ReadMarker(folder)?.Seconds ?? 0;
                return false;
            }
            Console.Error.WriteLine($"{step}: the cached result is not reused ({problem}); computing it again.");
            force = true;
        }
        var started = Path.Combine(folder, StartedName);
        bool resume = !force && File.Exists(started) && File.ReadAllText(started).Trim() == hash;
        if (!resume && Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        File.WriteAllText(started, hash);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        try { produce(folder, resume); }
        catch (NonFiniteException)
        {
            Directory.Delete(folder, recursive: true);   // a run that met NaN or infinity leaves nothing to reuse
            throw;
        }
        MarkDone(folder, step, hash, clock.Elapsed);
        return true;
    }
}
