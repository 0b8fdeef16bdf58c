using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace VideoGradCam.Runtime;

/// <summary>
/// What <see cref="ConvolutionChooser"/> decided for one machine, cached per CPU and library versions so the check
/// runs once: <c>~/.cache/video-gradcam/convolutions/&lt;machine key&gt;.json</c> (or <c>$XDG_CACHE_HOME</c>).
/// </summary>
/// <param name="CheckKey">identifies the shapes checked and the code that checked them; another key: the verdict is
/// stale.</param>
public sealed record ConvolutionVerdict(ConvolutionMode Mode, bool Passed, string Reason, string CheckKey,
    string Machine, IReadOnlyList<ConvolutionVerdict.Candidate> Candidates)
{
    /// <summary>One mode's summary: passed, shapes failed, the first failure, seconds.</summary>
    public sealed record Candidate(string Mode, bool Passed, int Failed, int Shapes, string? FirstFailure,
        double Seconds)
    {
        public static Candidate Of(ConvolutionCheck.Result r) => new(r.Mode.Name(), r.Passed, r.Failures.Count(),
            r.Shapes.Count, r.Failures.Select(f => $"{f.Shape}: error {f.Error:g3}").FirstOrDefault(), r.Seconds);
    }

    static readonly JsonSerializerOptions Json = JsonDefaults.Create(enumNames: true);

    /// <summary>CPU model and features, operating system, TorchSharp (and so LibTorch) version: what decides the
    /// kernels.</summary>
    public static string MachineKey()
    {
        var cpu = "unknown CPU";
        if (File.Exists("/proc/cpuinfo"))
        {
            var lines = File.ReadLines("/proc/cpuinfo").TakeWhile(l => l.Length > 0).ToList();
            string Field(string name) => lines.FirstOrDefault(l => l.StartsWith(name, StringComparison.Ordinal))
                ?.Split(':', 2)[1].Trim() ?? "";
            cpu = $"{Field("vendor_id")} {Field("model name")} family {Field("cpu family")} model {Field("model\t")} " +
                  $"flags {Hash(Field("flags"))}";
        }
        var torch = typeof(TorchSharp.torch).Assembly.GetName().Version;
        return $"{cpu}; {RuntimeInformation.OSArchitecture} {RuntimeInformation.OSDescription}; TorchSharp {torch}";
    }

    /// <summary>The CPU's model name (Linux: /proc/cpuinfo), e.g. "AMD EPYC 9B45"; "unknown CPU" elsewhere.</summary>
    public static string Cpu() => File.Exists("/proc/cpuinfo")
        ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))
            ?.Split(':', 2)[1].Trim() ?? "unknown CPU"
        : "unknown CPU";

    public static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..16];

    public static string CacheFolder() =>
        Path.Combine(Environment.GetEnvironmentVariable("XDG_CACHE_HOME") is { Length: > 0 } x ? x
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache"),
            "video-gradcam", "convolutions");

    /// <summary>This machine's cache file in <paramref name="folder"/> (default <see cref="CacheFolder"/>).</summary>
    public static string PathFor(string? folder = null) =>
        Path.Combine(folder ?? CacheFolder(), Hash(MachineKey()) + ".json");

    public void Save(string? folder = null) =>
        AtomicFile.WriteAllText(PathFor(folder), JsonSerializer.Serialize(this, Json));

    /// <summary>The cached verdict for this machine, or null when there is none (or it cannot be read).</summary>
    public static ConvolutionVerdict? Load(string? folder = null)
    {
        var path = PathFor(folder);
        if (!File.Exists(path)) return null;
        try { return JsonSerializer.Deserialize<ConvolutionVerdict>(File.ReadAllText(path), Json); }
        catch (JsonException) { return null; }
    }
}
