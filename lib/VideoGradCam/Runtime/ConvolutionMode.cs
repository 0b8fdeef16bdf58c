namespace VideoGradCam.Runtime;

/// <summary>
/// How LibTorch's CPU convolutions run. oneDNN's backward kernels can read uninitialised channel padding when a
/// convolution has fewer channels than the kernel's channel block, so on some CPUs the default gives wrong or NaN
/// gradients. Each mode is a way around that; <see cref="ConvolutionCheck"/> decides by measurement which one a machine
/// uses (environment.md, "NaN and the convolution check").
/// </summary>
public enum ConvolutionMode
{
    /// <summary>oneDNN as LibTorch ships it: the CPU's best instruction set, channels-first (NCHW) weights.</summary>
    OneDnn,
    /// <summary>oneDNN at the CPU's best instruction set, every convolution with a kernel larger than 1 given its input
    /// in channels-last memory layout (NHWC / NDHWC): oneDNN then runs its channels-last kernels, which do not pad
    /// channels to a block. Values are unchanged; only strides differ
    /// (<see cref="ConvolutionGuard.PrepareInput"/>).</summary>
    ChannelsLast,
    /// <summary>oneDNN limited to AVX2 kernels (<c>ONEDNN_MAX_CPU_ISA=AVX2</c>).</summary>
    OneDnnAvx2,
    /// <summary>oneDNN limited to SSE4.1 kernels (<c>ONEDNN_MAX_CPU_ISA=SSE41</c>).</summary>
    OneDnnSse41,
    /// <summary>oneDNN switched off in LibTorch (what <c>torch.backends.mkldnn.enabled = False</c> does).</summary>
    OneDnnOff,
}

public static class ConvolutionModes
{
    /// <summary>Overrides the machine's verdict, e.g. <c>WORKSPACE_CONVOLUTIONS=onednn-off</c>.</summary>
    public const string EnvironmentVariable = "WORKSPACE_CONVOLUTIONS";

    public static readonly IReadOnlyList<ConvolutionMode> All = Enum.GetValues<ConvolutionMode>();

    public static string Name(this ConvolutionMode m) => m switch
    {
        ConvolutionMode.OneDnn => "onednn",
        ConvolutionMode.ChannelsLast => "channels-last",
        ConvolutionMode.OneDnnAvx2 => "onednn-avx2",
        ConvolutionMode.OneDnnSse41 => "onednn-sse41",
        _ => "onednn-off",
    };

    public static ConvolutionMode Parse(string name) =>
        All.FirstOrDefault(m => m.Name() == name.Trim().ToLowerInvariant(), (ConvolutionMode)(-1)) is var m && m >= 0
            ? m
            : throw new ArgumentException(
                $"Unknown convolution mode '{name}': use {string.Join(", ", All.Select(Name))}.");

    /// <summary>The instruction-set limit the mode sets for oneDNN, or null.</summary>
    public static string? MaxCpuIsa(this ConvolutionMode m) => m switch
    {
        ConvolutionMode.OneDnnAvx2 => "AVX2",
        ConvolutionMode.OneDnnSse41 => "SSE41",
        _ => null,
    };
}
