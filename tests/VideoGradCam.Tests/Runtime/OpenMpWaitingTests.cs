using System.Runtime.InteropServices;
using VideoGradCam.Runtime;

namespace VideoGradCam.Tests.Runtime;

public class OpenMpWaitingTests
{
    [DllImport("libc")]
    static extern IntPtr getenv(string name);

    static string? Native(string name) => Marshal.PtrToStringAnsi(getenv(name));

    [Fact]
    public void AShortSpinIsSetInTheNativeEnvironmentUnlessTheUserChoseAPolicy()
    {
        if (!OperatingSystem.IsLinux()) return;
        // The user's choice, as the managed environment sees it, wins.
        Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", "ACTIVE");
        try { Assert.False(OpenMpWaiting.PreferShortSpin()); }
        finally { Environment.SetEnvironmentVariable("OMP_WAIT_POLICY", null); }
        if (Environment.GetEnvironmentVariable("GOMP_SPINCOUNT") is not null) return;   // a machine that sets its own
        Assert.True(OpenMpWaiting.PreferShortSpin());
        Assert.Equal(OpenMpWaiting.ShortSpin, Native("GOMP_SPINCOUNT"));
    }
}
