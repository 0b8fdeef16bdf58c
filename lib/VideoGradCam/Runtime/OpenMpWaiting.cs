using System.Runtime.InteropServices;

namespace VideoGradCam.Runtime;

/// <summary>
/// How long LibTorch's OpenMP threads spin after a parallel region before they sleep. GNU OpenMP (LibTorch's on Linux)
/// spins for a long while by default, keeping a core busy that the other stages of a pipeline (decoding, writing
/// files, ffmpeg) need; a short spin gives it back to them. Takes effect only when called before LibTorch is loaded
/// (OpenMP reads its environment then); a user's own <c>OMP_WAIT_POLICY</c> or <c>GOMP_SPINCOUNT</c> is kept.
/// </summary>
public static class OpenMpWaiting
{
    /// <summary>Spins before a thread sleeps (GNU OpenMP's default is 300,000).</summary>
    public const string ShortSpin = "1000";

    /// <summary>Sets <c>GOMP_SPINCOUNT</c> to <see cref="ShortSpin"/> for this process unless the user chose a waiting
    /// policy; true when it did. Linux only (elsewhere LibTorch's OpenMP is not GNU's).</summary>
    public static bool PreferShortSpin()
    {
        if (!OperatingSystem.IsLinux()) return false;
        if (Environment.GetEnvironmentVariable("OMP_WAIT_POLICY") is not null ||
            Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null) return false;
        // The native environment, which OpenMP reads (Environment.SetEnvironmentVariable does not change it).
        return setenv("GOMP_SPINCOUNT", ShortSpin, 0) == 0;
    }

    [DllImport("libc", SetLastError = true)]
    static extern int setenv(string name, string value, int overwrite);
}
