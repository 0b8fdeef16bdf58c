using System.Runtime.InteropServices;

namespace VideoGradCam.Runtime;

/// <summary>
/// The two native switches TorchSharp does not wrap: LibTorch's oneDNN on/off
/// (<c>at::Context::setUserEnabledMkldnn</c>) and a native environment variable (libc <c>setenv</c>; .NET's
/// SetEnvironmentVariable does not reach native <c>getenv</c> on Linux). oneDNN reads <c>ONEDNN_MAX_CPU_ISA</c> once,
/// at its first kernel: set it before any convolution runs in the process.
/// </summary>
static class LibTorchSwitches
{
    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at13globalContextEv")]
    static extern IntPtr GlobalContext();

    [DllImport("libtorch_cpu", EntryPoint = "_ZN2at7Context20setUserEnabledMkldnnEb")]
    static extern void SetUserEnabledMkldnn(IntPtr context, [MarshalAs(UnmanagedType.U1)] bool enabled);

    [DllImport("libc", EntryPoint = "setenv")]
    static extern int SetEnv([MarshalAs(UnmanagedType.LPUTF8Str)] string name,
        [MarshalAs(UnmanagedType.LPUTF8Str)] string value, int overwrite);

    /// <summary>Turns oneDNN off (or on) for every later LibTorch operation of this process.</summary>
    public static void EnableOneDnn(bool enabled)
    {
        TorchSharp.torch.InitializeDeviceType(TorchSharp.DeviceType.CPU);   // loads libtorch_cpu before the P/Invoke
        SetUserEnabledMkldnn(GlobalContext(), enabled);
    }

    /// <summary>Sets a variable in the native environment (and .NET's), so that native code reading it sees
    /// it.</summary>
    public static void SetNativeEnvironment(string name, string value)
    {
        Environment.SetEnvironmentVariable(name, value);
        if (OperatingSystem.IsWindows()) return;   // on Windows the CRT reads the process environment .NET just set
        if (SetEnv(name, value, 1) != 0) throw new InvalidOperationException($"setenv({name}) failed.");
    }
}
