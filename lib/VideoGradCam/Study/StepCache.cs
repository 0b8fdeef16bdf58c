using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using VideoGradCam.Runtime;

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
        var json = JsonSerializer.Serialize(config, config.GetType());
        return Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(json)))[..12].ToLowerInvariant();
    }

    public static bool IsDone(string folder, string configHash)
    {
        var path = Path.Combine(folder, MarkerName);
        if (!File.Exists(path)) return false;
        try { return JsonSerializer.Deserialize<Marker>(File.ReadAllText(path))?.ConfigHash == configHash; }
        catch (JsonException) { return false; }
    }

    public static void MarkDone(string folder, string step, string configHash, TimeSpan took) =>
        AtomicFile.WriteAllText(Path.Combine(folder, MarkerName),
            JsonSerializer.Serialize(new Marker(step, configHash, DateTime.UtcNow, took.TotalSeconds)));

    /// <summary>
    /// Runs <paramref name="produce"/> into <paramref name="folder"/> unless it is already done with this configuration.
    /// A stale or half-written folder is cleared first. Returns true if the step ran.
    /// </summary>
    public static bool Ensure(string folder, string step, object config, Action<string> produce, bool force = false)
    {
        var hash = Hash(config);
        if (!force && IsDone(folder, hash)) return false;
        if (Directory.Exists(folder)) Directory.Delete(folder, recursive: true);
        Directory.CreateDirectory(folder);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        produce(folder);
        MarkDone(folder, step, hash, clock.Elapsed);
        return true;
    }
}
